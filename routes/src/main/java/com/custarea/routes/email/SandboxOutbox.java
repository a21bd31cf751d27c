package com.custarea.routes.email;

import java.util.List;
import java.util.Map;

import com.custarea.routes.support.SendOutcome;
import com.custarea.routes.support.SqlArrays;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.PayloadJson;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The sandbox: where outbound messages go while their channel has no provider configured. They are recorded (once
 * per message id) and visible, never dropped.
 */
@Repository
public class SandboxOutbox {

    private final NamedParameterJdbcTemplate jdbc;

    public SandboxOutbox(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records every message once. */
    public void record(List<OutboundMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        jdbc.update("""
                INSERT INTO sandbox_outbox (message_id, tenant_id, channel, recipient, subject, text, metadata)
                SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS uuid[]), CAST(:channels AS text[]),
                                     CAST(:recipients AS text[]), CAST(:subjects AS text[]), CAST(:texts AS text[]),
                                     CAST(:metadata AS jsonb[]))
                ON CONFLICT (message_id) DO NOTHING
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(messages.stream().map(OutboundMessage::messageId).toList()))
                .addValue("tenants", SqlArrays.uuids(messages.stream().map(OutboundMessage::tenantId).toList()))
                .addValue("channels", SqlArrays.texts(messages.stream().map(m -> m.channel().wireName()).toList()))
                .addValue("recipients", SqlArrays.texts(messages.stream().map(m -> m.recipient().value()).toList()))
                .addValue("subjects", SqlArrays.texts(messages.stream().map(OutboundMessage::subject).toList()))
                .addValue("texts", SqlArrays.texts(messages.stream().map(OutboundMessage::text).toList()))
                .addValue("metadata", SqlArrays.texts(messages.stream().map(m -> PayloadJson.write(m.metadata()))
                        .toList())));
    }

    /** Records claimed conversation messages in place of sending them: each counts as sent, under a sandbox id. */
    public List<SendOutcome> deliver(List<OutboundMessage> claimed) {
        record(claimed);
        return claimed.stream().map(message -> SendOutcome.sent(message.messageId(), "sandbox:" + message.messageId()))
                .toList();
    }

    /** The last {@code limit} messages recorded, newest first, optionally only those to {@code recipient}. */
    public List<Map<String, Object>> latest(String recipient, int limit) {
        return jdbc.queryForList("""
                SELECT message_id, tenant_id, channel, recipient, subject, text, metadata::text AS metadata,
                       created_at
                FROM sandbox_outbox
                WHERE CAST(:recipient AS text) IS NULL OR recipient = :recipient
                ORDER BY created_at DESC LIMIT :limit
                """, new MapSqlParameterSource().addValue("recipient", recipient).addValue("limit", limit));
    }
}
