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
    CALL_ENDED("call.ended");

    private final String wireName;

    ConversationEventType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ConversationEventType fromWireName(String name) {
        return Arrays.stream(values())
                .filter(type -> type.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown conversation event type: " + name));
    }
}
