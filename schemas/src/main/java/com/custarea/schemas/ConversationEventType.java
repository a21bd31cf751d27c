package com.custarea.schemas;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What happened to a conversation, as the dashboard's live stream and the workflows see it. */
public enum ConversationEventType {
    CONVERSATION_CREATED("conversation.created"),
    CONVERSATION_UPDATED("conversation.updated"),
    MESSAGE_CREATED("message.created"),
    MESSAGE_STATUS_CHANGED("message.status_changed");

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
