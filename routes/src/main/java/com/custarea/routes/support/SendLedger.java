package com.custarea.routes.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.schemas.OutboundMessage;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The send ledger: one row per outbound message, written before the provider call (in_flight) and after it (sent,
 * failed, or retryable). A message is claimed for sending only when it was never tried or its last try failed
 * in a way worth retrying, so a record redelivered after a crash never reaches the provider twice.
 */
@Repository
public class SendLedger {

    private final MeterRegistry meters;

    /** What to do with a message whose last attempt has no recorded outcome (the process died during the call). */
    public enum UnknownOutcome {
        /** Send again: the receiver deduplicates (the API channel's delivery id). */
        RESEND,
        /** Do not send again: mark it failed, for a person to check. */
        GIVE_UP
    }

    /** Why a message was or was not claimed. */
    public enum ClaimState {
        CLAIMED, ALREADY_SENT, ALREADY_FAILED, OUTCOME_UNKNOWN
    }

    /** A message and whether this delivery may send it. */
    public record Claim(OutboundMessage message, ClaimState state, int attempt) {
    }

    private final NamedParameterJdbcTemplate jdbc;

    public SendLedger(NamedParameterJdbcTemplate jdbc, MeterRegistry meters) {
        this.meters = meters;
        this.jdbc = jdbc;
    }

    /** Claims each message for one attempt, in one transaction (a message appears once in {@code messages}). */
    @Transactional
    public List<Claim> claim(List<OutboundMessage> messages, UnknownOutcome unknownOutcome) {
        if (messages.isEmpty()) {
            return List.of();
        }
        List<OutboundMessage> sorted = messages.stream()
                .sorted(java.util.Comparator.comparing(OutboundMessage::messageId)).toList();
        Map<UUID, Integer> claimed = new HashMap<>();
        jdbc.query("""
                INSERT INTO send_ledger (message_id, tenant_id, channel, state, attempts)
                SELECT claim.id, claim.tenant_id, claim.channel, 'in_flight', 1
                FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS uuid[]), CAST(:channels AS text[]))
                     AS claim(id, tenant_id, channel)
                ON CONFLICT (message_id) DO UPDATE
                    SET state = 'in_flight', attempts = send_ledger.attempts + 1, updated_at = now()
                    WHERE send_ledger.state = 'retryable'
                       OR (send_ledger.state = 'in_flight' AND :resend)
                RETURNING message_id, attempts
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(sorted.stream().map(OutboundMessage::messageId).toList()))
                .addValue("tenants", SqlArrays.uuids(sorted.stream().map(OutboundMessage::tenantId).toList()))
                .addValue("channels", SqlArrays.texts(sorted.stream().map(message -> message.channel().wireName())
                        .toList()))
                .addValue("resend", unknownOutcome == UnknownOutcome.RESEND),
                row -> {
                    claimed.put(row.getObject("message_id", UUID.class), row.getInt("attempts"));
                });
        List<UUID> refused = sorted.stream().map(OutboundMessage::messageId).filter(id -> !claimed.containsKey(id))
                .toList();
        Map<UUID, String> states = new HashMap<>();
        if (!refused.isEmpty()) {
            jdbc.query("SELECT message_id, state FROM send_ledger WHERE message_id = ANY(CAST(:ids AS uuid[]))",
                    new MapSqlParameterSource().addValue("ids", SqlArrays.uuids(refused)),
                    row -> {
                        states.put(row.getObject("message_id", UUID.class), row.getString("state"));
                    });
        }
        List<Claim> claims = new ArrayList<>(messages.size());
        List<SendOutcome> unknown = new ArrayList<>();
        for (OutboundMessage message : messages) {
            Integer attempt = claimed.get(message.messageId());
            if (attempt != null) {
                claims.add(new Claim(message, ClaimState.CLAIMED, attempt));
                continue;
            }
            ClaimState state = switch (states.getOrDefault(message.messageId(), "in_flight")) {
                case "sent" -> ClaimState.ALREADY_SENT;
                case "failed" -> ClaimState.ALREADY_FAILED;
                default -> ClaimState.OUTCOME_UNKNOWN;
            };
            if (state == ClaimState.OUTCOME_UNKNOWN) {
                unknown.add(SendOutcome.failed(message.messageId(), "outcome-unknown",
                        "outcome of an earlier attempt is unknown"));
            }
            claims.add(new Claim(message, state, 0));
        }
        recordAll(unknown);
        return claims;
    }

    /** Records the outcomes of attempts, in one transaction. */
    @Transactional
    public void recordAll(List<SendOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        List<SendOutcome> sorted = outcomes.stream().sorted(java.util.Comparator.comparing(SendOutcome::messageId))
                .toList();
        Map<UUID, SendOutcome> byId = new java.util.HashMap<>();
        sorted.forEach(outcome -> byId.put(outcome.messageId(), outcome));
        jdbc.query("""
                UPDATE send_ledger l
                SET state = outcome.state, provider_message_id = COALESCE(outcome.provider_id, l.provider_message_id),
                    last_error = outcome.error, updated_at = now()
                FROM unnest(CAST(:ids AS uuid[]), CAST(:states AS text[]), CAST(:providerIds AS text[]),
                            CAST(:errors AS text[])) AS outcome(id, state, provider_id, error)
                WHERE l.message_id = outcome.id
                RETURNING l.message_id, l.channel
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(sorted.stream().map(SendOutcome::messageId).toList()))
                .addValue("states", SqlArrays.texts(sorted.stream().map(SendLedger::ledgerState).toList()))
                .addValue("providerIds", SqlArrays.texts(sorted.stream().map(SendOutcome::providerMessageId)
                        .toList()))
                .addValue("errors", SqlArrays.texts(sorted.stream().map(SendOutcome::error).toList())),
                row -> {
                    SendOutcome outcome = byId.get(row.getObject("message_id", UUID.class));
                    meters.counter("custarea.provider.outcomes", "channel", row.getString("channel"),
                            "result", ledgerState(outcome), "code",
                            outcome.errorCode() == null ? "none" : outcome.errorCode()).increment();
                });
    }

    private static String ledgerState(SendOutcome outcome) {
        return switch (outcome.result()) {
            case SENT -> "sent";
            case FAILED -> "failed";
            case RETRYABLE -> "retryable";
        };
    }

    /** The ledger state of a message, if it was ever claimed. */
    public Optional<String> stateOf(UUID messageId) {
        return jdbc.query("SELECT state FROM send_ledger WHERE message_id = :id", Map.of("id", messageId),
                (row, i) -> row.getString("state")).stream().findFirst();
    }
}
