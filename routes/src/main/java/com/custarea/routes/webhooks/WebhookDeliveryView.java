package com.custarea.routes.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One event's delivery to one subscription, with every attempt: the delivery log.
 *
 * @param id the delivery id, sent as {@code X-CustArea-Delivery-Id} on every attempt
 * @param attempts every attempt, before and after replays: as many as the log has
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookDeliveryView(UUID id, UUID eventId, String eventType, String status, int attempts,
                                  Instant nextAttemptAt, Integer lastStatusCode, String lastError,
                                  Instant deliveredAt, Instant createdAt, List<Attempt> log) {

    /** One HTTP attempt: the status code (none when the call failed) and how long it took. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attempt(int attempt, Integer statusCode, String error, int latencyMs, Instant attemptedAt) {
    }
}
