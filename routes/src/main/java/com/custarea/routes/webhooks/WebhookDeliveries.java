package com.custarea.routes.webhooks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.Cursor;
import com.custarea.routes.support.Page;
import com.custarea.routes.support.SqlArrays;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The deliveries table: one row per event and subscription (its id derived from both, so an event seen twice is
 * queued once), claimed with a lease by whichever instance polls first, and its attempts logged.
 */
@Repository
public class WebhookDeliveries {

    private final NamedParameterJdbcTemplate jdbc;

    public WebhookDeliveries(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues deliveries; one already queued (same id) is left as it is. */
    public void enqueue(List<NewDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        jdbc.update("""
                INSERT INTO webhook_deliveries (id, tenant_id, subscription_id, event_id, event_type, body, status)
                SELECT d.id, d.tenant_id, d.subscription_id, d.event_id, d.event_type, d.body, 'pending'
                FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS uuid[]), CAST(:subscriptions AS uuid[]),
                            CAST(:events AS uuid[]), CAST(:types AS text[]), CAST(:bodies AS text[]))
                     AS d(id, tenant_id, subscription_id, event_id, event_type, body)
                ON CONFLICT (id) DO NOTHING
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(deliveries.stream().map(NewDelivery::id).toList()))
                .addValue("tenants", SqlArrays.uuids(deliveries.stream().map(NewDelivery::tenantId).toList()))
                .addValue("subscriptions", SqlArrays.uuids(deliveries.stream().map(NewDelivery::subscriptionId)
                        .toList()))
                .addValue("events", SqlArrays.uuids(deliveries.stream().map(NewDelivery::eventId).toList()))
                .addValue("types", SqlArrays.texts(deliveries.stream().map(NewDelivery::eventType).toList()))
                .addValue("bodies", SqlArrays.texts(deliveries.stream().map(NewDelivery::body).toList())));
    }

    /** Claims up to {@code limit} due deliveries for {@code lease}; nobody else takes them meanwhile. */
    List<DueDelivery> claimDue(int limit, Duration lease) {
        return jdbc.query("""
                UPDATE webhook_deliveries d SET locked_until = now() + CAST(:lease AS interval)
                WHERE d.id IN (SELECT id FROM webhook_deliveries
                               WHERE status = 'pending' AND next_attempt_at <= now()
                                 AND (locked_until IS NULL OR locked_until < now())
                               ORDER BY next_attempt_at
                               LIMIT :limit
                               FOR UPDATE SKIP LOCKED)
                RETURNING d.id, d.tenant_id, d.subscription_id, d.event_type, d.body, d.attempts
                """, new MapSqlParameterSource().addValue("lease", lease.toMillis() + " milliseconds")
                .addValue("limit", limit), (row, i) -> new DueDelivery(row.getObject("id", UUID.class),
                row.getObject("tenant_id", UUID.class), row.getObject("subscription_id", UUID.class),
                row.getString("event_type"), row.getString("body"), row.getInt("attempts")));
    }

    /**
     * Logs an attempt and moves the delivery on: delivered, due again at {@code retryAt}, or dead. {@code attempt}
     * counts the attempts since the last replay, for the retries; the log numbers attempts by their total, which a
     * replay never resets, so the attempts before a replay stay in the log beside the ones after it.
     */
    void recordAttempt(UUID id, int attempt, Integer statusCode, String error, long latencyMs, Outcome outcome,
                       Instant retryAt) {
        // one statement: the log's number and the delivery's count cannot drift apart
        jdbc.update("""
                WITH moved AS (
                    UPDATE webhook_deliveries SET
                        attempts = :attempt, total_attempts = total_attempts + 1, status = :status,
                        last_status_code = :statusCode, last_error = :error,
                        next_attempt_at = COALESCE(CAST(:retryAt AS timestamptz), next_attempt_at),
                        delivered_at = CASE WHEN :status = 'delivered' THEN now() ELSE delivered_at END,
                        locked_until = NULL, updated_at = now()
                    WHERE id = :id
                    RETURNING id, total_attempts
                )
                INSERT INTO webhook_attempts (delivery_id, attempt, status_code, error, latency_ms)
                SELECT id, total_attempts, CAST(:statusCode AS integer), CAST(:error AS text),
                       CAST(:latency AS integer)
                FROM moved
                ON CONFLICT (delivery_id, attempt) DO NOTHING
                """, new MapSqlParameterSource().addValue("id", id).addValue("attempt", attempt)
                .addValue("status", outcome.wireName).addValue("statusCode", statusCode).addValue("error", error)
                .addValue("latency", (int) Math.min(Integer.MAX_VALUE, latencyMs))
                .addValue("retryAt", retryAt == null ? null : Timestamp.from(retryAt)));
    }

    /** A subscription's deliveries, newest first, with their attempts; empty for another tenant's subscription. */
    public Page<WebhookDeliveryView> list(UUID tenantId, UUID subscriptionId, String status, Optional<Cursor> cursor,
                                          int limit) {
        List<WebhookDeliveryView> rows = jdbc.query("""
                SELECT * FROM webhook_deliveries
                WHERE tenant_id = :tenantId AND subscription_id = :subscriptionId
                  AND (CAST(:status AS text) IS NULL OR status = :status)
                  AND (CAST(:cursorAt AS timestamptz) IS NULL
                       OR (created_at, id) < (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid)))
                ORDER BY created_at DESC, id DESC
                LIMIT :limit
                """, new MapSqlParameterSource().addValue("tenantId", tenantId)
                .addValue("subscriptionId", subscriptionId).addValue("status", status)
                .addValue("cursorAt", cursor.map(c -> Timestamp.from(c.at())).orElse(null))
                .addValue("cursorId", cursor.map(Cursor::id).orElse(null))
                .addValue("limit", limit + 1), (row, i) -> view(row, List.of()));
        Map<UUID, List<WebhookDeliveryView.Attempt>> attempts = attemptsOf(rows.stream()
                .map(WebhookDeliveryView::id).toList());
        List<WebhookDeliveryView> withLog = rows.stream().map(view -> new WebhookDeliveryView(view.id(),
                view.eventId(), view.eventType(), view.status(), view.attempts(), view.nextAttemptAt(),
                view.lastStatusCode(), view.lastError(), view.deliveredAt(), view.createdAt(),
                attempts.getOrDefault(view.id(), List.of()))).toList();
        return Page.of(new ArrayList<>(withLog), limit, view -> new Cursor(view.createdAt(), view.id()));
    }

    /**
     * Queues dead deliveries of a subscription again, all or the ones named, with their retries starting over (the
     * log keeps every attempt); delivered ones are left alone, so replaying twice sends nothing twice. Returns how
     * many were queued.
     */
    public int replay(UUID tenantId, UUID subscriptionId, List<UUID> deliveryIds) {
        return jdbc.update("""
                UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(),
                                              locked_until = NULL, updated_at = now()
                WHERE tenant_id = :tenantId AND subscription_id = :subscriptionId AND status = 'dead'
                  AND (:all OR id = ANY(CAST(:ids AS uuid[])))
                """, new MapSqlParameterSource().addValue("tenantId", tenantId)
                .addValue("subscriptionId", subscriptionId).addValue("all", deliveryIds.isEmpty())
                .addValue("ids", SqlArrays.uuids(deliveryIds)));
    }

    private Map<UUID, List<WebhookDeliveryView.Attempt>> attemptsOf(List<UUID> deliveryIds) {
        Map<UUID, List<WebhookDeliveryView.Attempt>> attempts = new HashMap<>();
        if (deliveryIds.isEmpty()) {
            return attempts;
        }
        jdbc.query("""
                SELECT * FROM webhook_attempts WHERE delivery_id = ANY(CAST(:ids AS uuid[]))
                ORDER BY delivery_id, attempt
                """, new MapSqlParameterSource().addValue("ids", SqlArrays.uuids(deliveryIds)), row -> {
            attempts.computeIfAbsent(row.getObject("delivery_id", UUID.class), id -> new ArrayList<>())
                    .add(new WebhookDeliveryView.Attempt(row.getInt("attempt"),
                            (Integer) row.getObject("status_code"), row.getString("error"), row.getInt("latency_ms"),
                            row.getTimestamp("attempted_at").toInstant()));
        });
        return attempts;
    }

    private static WebhookDeliveryView view(ResultSet row, List<WebhookDeliveryView.Attempt> log)
            throws SQLException {
        Timestamp delivered = row.getTimestamp("delivered_at");
        return new WebhookDeliveryView(row.getObject("id", UUID.class), row.getObject("event_id", UUID.class),
                row.getString("event_type"), row.getString("status"), row.getInt("total_attempts"),
                "pending".equals(row.getString("status")) ? row.getTimestamp("next_attempt_at").toInstant() : null,
                (Integer) row.getObject("last_status_code"), row.getString("last_error"),
                delivered == null ? null : delivered.toInstant(), row.getTimestamp("created_at").toInstant(), log);
    }

    /** A delivery to queue. */
    public record NewDelivery(UUID id, UUID tenantId, UUID subscriptionId, UUID eventId, String eventType,
                              String body) {
    }

    /** A claimed delivery: what to send, and how many attempts it had. */
    record DueDelivery(UUID id, UUID tenantId, UUID subscriptionId, String eventType, String body, int attempts) {
    }

    /** Where an attempt leaves a delivery. */
    enum Outcome {
        DELIVERED("delivered"), RETRY("pending"), DEAD("dead");

        final String wireName;

        Outcome(String wireName) {
            this.wireName = wireName;
        }
    }
}
