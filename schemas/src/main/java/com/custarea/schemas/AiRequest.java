package com.custarea.schemas;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A request for the AI agent to answer a conversation, published by the ingest pipeline when the tenant has the agent
 * on for the channel.
 *
 * @param messageId the inbound message that prompted it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AiRequest(
        UUID eventId,
        UUID tenantId,
        Instant occurredAt,
        int schemaVersion,
        String correlationId,
        UUID conversationId,
        UUID messageId,
        UUID contactId,
        Channel channel,
        UUID channelId,
        String text) implements EventEnvelope {

    public static final int SCHEMA_VERSION = 1;
}
