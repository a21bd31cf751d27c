package com.custarea.schemas;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Something that happened to a conversation or one of its messages.
 *
 * @param direction inbound or outbound, for message events
 * @param preview   the start of the message text, for message.created
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversationEvent(
        UUID eventId,
        UUID tenantId,
        Instant occurredAt,
        int schemaVersion,
        String correlationId,
        ConversationEventType type,
        UUID conversationId,
        UUID contactId,
        Channel channel,
        UUID channelId,
        UUID messageId,
        String direction,
        MessageStatus status,
        String preview) implements EventEnvelope {

    public static final int SCHEMA_VERSION = 1;
}
