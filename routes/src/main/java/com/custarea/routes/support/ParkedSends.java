package com.custarea.routes.support;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Outbound messages waiting for their provider to recover: parked with the time they may be tried again (never
 * sooner than the provider's Retry-After), published back to their outbound topic once due by whichever instance
 * claims them, and forgotten once sent or given up. A dead endpoint thus parks its own messages instead of
 * holding up its partition or dead-lettering them.
 */
@Repository
public class ParkedSends {

    /** The reason recorded when no call was made; it does not replace the provider's own error. */
    public static final String CIRCUIT_OPEN = "circuit-open";
    /** How long a released message is left to come back (sent, parked again) before it is released again. */
    private static final Duration RELEASE_LEASE = Duration.ofMinutes(5);

    private final NamedParameterJdbcTemplate jdbc;
    private final EventPublisher publisher;

    public ParkedSends(NamedParameterJdbcTemplate jdbc, EventPublisher publisher) {
        this.jdbc = jdbc;
        this.publisher = publisher;
    }

    /** Parks (or parks again) {@code message} until {@code retryAt}; returns since when and why it is parked. */
    public Parked park(OutboundMessage message, String reason, Instant retryAt) {
        return jdbc.queryForObject("""
                INSERT INTO parked_sends (message_id, tenant_id, channel, payload, reason, next_attempt_at)
                VALUES (:id, :tenantId, :channel, :payload, :reason, :retryAt)
                ON CONFLICT (message_id) DO UPDATE SET
                    parkings = parked_sends.parkings + 1, next_attempt_at = EXCLUDED.next_attempt_at,
                    locked_until = NULL,
                    reason = CASE WHEN EXCLUDED.reason = :circuitOpen THEN parked_sends.reason
                                  ELSE EXCLUDED.reason END
                RETURNING first_parked_at, reason
                """, new MapSqlParameterSource().addValue("id", message.messageId())
                .addValue("tenantId", message.tenantId()).addValue("channel", message.channel().wireName())
                .addValue("payload", PayloadJson.write(message)).addValue("reason", reason)
                .addValue("retryAt", Timestamp.from(retryAt)).addValue("circuitOpen", CIRCUIT_OPEN),
                (row, i) -> new Parked(row.getTimestamp("first_parked_at").toInstant(), row.getString("reason")));
    }

    /** Forgets messages that were sent or given up on. */
    public void forget(List<UUID> messageIds) {
        if (!messageIds.isEmpty()) {
            jdbc.update("DELETE FROM parked_sends WHERE message_id = ANY(CAST(:ids AS uuid[]))",
                    new MapSqlParameterSource().addValue("ids", SqlArrays.uuids(messageIds)));
        }
    }

    /** Publishes the parked messages that are due back to their outbound topics; returns how many. */
    public int releaseDue(int limit) {
        List<OutgoingRecord> due = jdbc.query("""
                UPDATE parked_sends p SET locked_until = now() + CAST(:lease AS interval)
                WHERE p.message_id IN (SELECT message_id FROM parked_sends
                                       WHERE next_attempt_at <= now()
                                         AND (locked_until IS NULL OR locked_until < now())
                                       ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
                RETURNING p.payload
                """, new MapSqlParameterSource().addValue("lease", RELEASE_LEASE.toSeconds() + " seconds")
                .addValue("limit", limit), (row, i) -> {
                    OutboundMessage message = PayloadJson.read(row.getString("payload"), OutboundMessage.class);
                    return OutgoingRecord.of(Topics.outbound(message.channel()), message);
                });
        // published after the claim is committed: a crash in between only delays the release by the lease
        publisher.publish(due);
        return due.size();
    }

    /** How many messages are parked now, per channel. */
    public Map<String, Long> countByChannel() {
        Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.query("SELECT channel, count(*) AS n FROM parked_sends GROUP BY channel", Map.of(),
                row -> {
                    counts.put(row.getString("channel"), row.getLong("n"));
                });
        return counts;
    }

    /** Since when a message is parked, and the provider's last error. */
    public record Parked(Instant since, String reason) {
    }
}
