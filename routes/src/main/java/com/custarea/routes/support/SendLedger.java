package com.custarea.routes.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.schemas.OutboundMessage;
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

    public SendLedger(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims each message for one attempt, in one transaction. */
    @Transactional
    public List<Claim> claim(List<OutboundMessage> messages, UnknownOutcome unknownOutcome) {
        List<Claim> claims = new ArrayList<>(messages.size());
        for (OutboundMessage message : messages) {
            Optional<Integer> attempt = jdbc.query("""
                    INSERT INTO send_ledger (message_id, tenant_id, channel, state, attempts)
                    VALUES (:id, :tenantId, :channel, 'in_flight', 1)
                    ON CONFLICT (message_id) DO UPDATE
                        SET state = 'in_flight', attempts = send_ledger.attempts + 1, updated_at = now()
                        WHERE send_ledger.state = 'retryable'
                           OR (send_ledger.state = 'in_flight' AND :resend)
                    RETURNING attempts
                    """, new MapSqlParameterSource()
                    .addValue("id", message.messageId())
                    .addValue("tenantId", message.tenantId())
                    .addValue("channel", message.channel().wireName())
                    .addValue("resend", unknownOutcome == UnknownOutcome.RESEND),
                    (row, i) -> row.getInt("attempts")).stream().findFirst();
            if (attempt.isPresent()) {
                claims.add(new Claim(message, ClaimState.CLAIMED, attempt.get()));
                continue;
            }
            String state = jdbc.queryForObject("SELECT state FROM send_ledger WHERE message_id = :id",
                    Map.of("id", message.messageId()), String.class);
            ClaimState claimState = switch (state) {
                case "sent" -> ClaimState.ALREADY_SENT;
                case "failed" -> ClaimState.ALREADY_FAILED;
                default -> ClaimState.OUTCOME_UNKNOWN;
            };
            if (claimState == ClaimState.OUTCOME_UNKNOWN) {
                record(message.messageId(), "failed", null, "outcome of an earlier attempt is unknown");
            }
            claims.add(new Claim(message, claimState, 0));
        }
        return claims;
    }

    /** Records the outcomes of attempts, in one transaction. */
    @Transactional
    public void recordAll(List<SendOutcome> outcomes) {
        for (SendOutcome outcome : outcomes) {
            String state = switch (outcome.result()) {
                case SENT -> "sent";
                case FAILED -> "failed";
                case RETRYABLE -> "retryable";
            };
            record(outcome.messageId(), state, outcome.providerMessageId(), outcome.error());
        }
    }

    /** The ledger state of a message, if it was ever claimed. */
    public Optional<String> stateOf(UUID messageId) {
        return jdbc.query("SELECT state FROM send_ledger WHERE message_id = :id", Map.of("id", messageId),
                (row, i) -> row.getString("state")).stream().findFirst();
    }

    private void record(UUID messageId, String state, String providerMessageId, String error) {
        jdbc.update("""
                UPDATE send_ledger
                SET state = :state, provider_message_id = COALESCE(:providerId, provider_message_id),
                    last_error = :error, updated_at = now()
                WHERE message_id = :id
                """, new MapSqlParameterSource()
                .addValue("state", state)
                .addValue("providerId", providerMessageId)
                .addValue("error", error)
                .addValue("id", messageId));
    }
}
