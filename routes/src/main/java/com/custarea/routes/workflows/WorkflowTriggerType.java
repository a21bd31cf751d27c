package com.custarea.routes.workflows;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** What starts a workflow; keyword_matched and no_reply workflows start from a received message. */
public enum WorkflowTriggerType {
    MESSAGE_RECEIVED("message_received"),
    CONVERSATION_CREATED("conversation_created"),
    CONVERSATION_RESOLVED("conversation_resolved"),
    CONTACT_CREATED("contact_created"),
    KEYWORD_MATCHED("keyword_matched"),
    NO_REPLY("no_reply"),
    CALL_ENDED("call_ended");

    private final String wireName;

    WorkflowTriggerType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<WorkflowTriggerType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }

    /** Whether a run of this trigger has a conversation to act on (a new contact has none). */
    public boolean hasConversation() {
        return this != CONTACT_CREATED;
    }

    /** Whether a run of this trigger has the message that started it (for message.text and hand-offs to the AI). */
    public boolean hasMessage() {
        return this == MESSAGE_RECEIVED || this == KEYWORD_MATCHED || this == NO_REPLY;
    }

    /** The workflow triggers an event of this type can start (a message also starts keyword and no-reply ones). */
    public Set<WorkflowTriggerType> starts() {
        return this == MESSAGE_RECEIVED ? Set.of(MESSAGE_RECEIVED, KEYWORD_MATCHED, NO_REPLY) : Set.of(this);
    }
}
