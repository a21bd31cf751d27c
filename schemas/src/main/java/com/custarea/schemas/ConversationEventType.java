package com.custarea.schemas;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What happened, as the dashboard's live stream, the workflows and the outbound webhooks see it. */
public enum ConversationEventType {
    CONVERSATION_CREATED("conversation.created"),
    CONVERSATION_UPDATED("conversation.updated"),
    /** Also published with conversation.updated when the status changed. */
    CONVERSATION_STATUS_CHANGED("conversation.status_changed"),
    MESSAGE_CREATED("message.created"),
    MESSAGE_STATUS_CHANGED("message.status_changed"),
    CONTACT_CREATED("contact.created"),
    CONTACT_UPDATED("contact.updated"),
    CONTACT_MERGED("contact.merged"),
    TICKET_CREATED("ticket.created"),
    TICKET_UPDATED("ticket.updated"),
    /** Published by the call recorder when a call's transcript lands in the conversation. */
    CALL_ENDED("call.ended"),
    /**
     * Someone on the team, or the AI agent, started typing in the conversation: a live signal for the widget's
     * streams, never stored, replayed, sent to webhooks or run through workflows.
     */
    CONVERSATION_TYPING_ON("conversation.typing_on"),
    /** The team stopped typing without replying (a reply ends typing by itself). */
    CONVERSATION_TYPING_OFF("conversation.typing_off");

    private final String wireName;

    ConversationEventType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Whether this is a typing signal: live only, with nothing stored or replayed behind it. */
    public boolean isTyping() {
        return this == CONVERSATION_TYPING_ON || this == CONVERSATION_TYPING_OFF;
    }

    @JsonCreator
    public static ConversationEventType fromWireName(String name) {
        return Arrays.stream(values())
                .filter(type -> type.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown conversation event type: " + name));
    }
}
