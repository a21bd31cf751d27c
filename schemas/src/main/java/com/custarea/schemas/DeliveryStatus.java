package com.custarea.schemas;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A report of how far an outbound message got, from our outbound route (sent, failed) or from the provider's status
 * callback (delivered, read, failed). Reports may arrive out of order; the status updater only moves forward.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryStatus(
        UUID eventId,
        UUID tenantId,
        Instant occurredAt,
        int schemaVersion,
        String correlationId,
        UUID messageId,
        Channel channel,
        MessageStatus status,
        String providerMessageId,
        String errorCode,
        String errorMessage) implements EventEnvelope {

    public static final int SCHEMA_VERSION = 1;
}
