package com.custarea.routes.conversations;

import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.PayloadJson;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Writes messages and their status; every statement is scoped by tenant. */
@Repository
public class MessageStore {

    private final NamedParameterJdbcTemplate jdbc;

    public MessageStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The message the provider already delivered with this id on this channel, if any. */
    public Optional<StoredMessage> findByProviderId(UUID tenantId, UUID channelId, String providerMessageId) {
        return jdbc.query("""
                SELECT m.id, m.conversation_id, c.contact_id,
                       NOT EXISTS (SELECT 1 FROM messages earlier
                                   WHERE earlier.conversation_id = m.conversation_id
                                     AND (earlier.created_at, earlier.id) < (m.created_at, m.id)) AS first
                FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.tenant_id = m.tenant_id
                WHERE m.tenant_id = :tenantId AND m.channel_id = :channelId AND m.provider_message_id = :providerId
                """, Map.of("tenantId", tenantId, "channelId", channelId, "providerId", providerMessageId),
                (row, i) -> new StoredMessage(row.getObject("id", UUID.class),
                        row.getObject("conversation_id", UUID.class), row.getObject("contact_id", UUID.class),
                        row.getBoolean("first"))).stream().findFirst();
    }

    /**
     * Stores an inbound message once: a second insert with the same provider id is a no-op and returns empty.
     */
    public Optional<UUID> insertInbound(InboundMessage message, UUID conversationId) {
        UUID id = UUID.randomUUID();
        List<UUID> inserted = jdbc.query("""
                INSERT INTO messages (id, tenant_id, conversation_id, channel_id, direction, sender_type,
                                      provider_message_id, subject, text, html, attachments, metadata,
                                      thread_references, status, source_event_id, correlation_id, created_at)
                VALUES (:id, :tenantId, :conversationId, :channelId, 'inbound', 'contact', :providerId, :subject,
                        :text, :html, CAST(:attachments AS jsonb), CAST(:metadata AS jsonb), :refs, 'received',
                        :eventId, :correlationId, COALESCE(:receivedAt, now()))
                ON CONFLICT DO NOTHING
                RETURNING id
                """, new MapSqlParameterSource()
                .addValue("id", id)
                .addValue("tenantId", message.tenantId())
                .addValue("conversationId", conversationId)
                .addValue("channelId", message.channelId())
                .addValue("providerId", message.providerMessageId())
                .addValue("subject", message.subject())
                .addValue("text", message.text())
                .addValue("html", message.html())
                .addValue("attachments", PayloadJson.write(message.attachments()))
                .addValue("metadata", PayloadJson.write(message.metadata()))
                .addValue("refs", new SqlParameterValue(Types.ARRAY, message.threadReferences().toArray(String[]::new)))
                .addValue("eventId", message.eventId())
                .addValue("correlationId", message.correlationId())
                .addValue("receivedAt", message.receivedAt() == null ? null
                        : java.sql.Timestamp.from(message.receivedAt()), Types.TIMESTAMP),
                (row, i) -> row.getObject("id", UUID.class));
        return inserted.stream().findFirst();
    }

    /**
     * Stores an outbound message as queued, once per {@code id}: a reply made again for the same cause (same id)
     * is a no-op. Returns whether the row was new.
     */
    public boolean insertOutbound(UUID id, UUID tenantId, UUID conversationId, UUID channelId, String senderType,
                                  String text, String correlationId, UUID sourceEventId) {
        return jdbc.update("""
                INSERT INTO messages (id, tenant_id, conversation_id, channel_id, direction, sender_type, text,
                                      status, source_event_id, correlation_id)
                VALUES (:id, :tenantId, :conversationId, :channelId, 'outbound', :senderType, :text, 'queued',
                        :eventId, :correlationId)
                ON CONFLICT DO NOTHING
                """, new MapSqlParameterSource()
                .addValue("id", id)
                .addValue("tenantId", tenantId)
                .addValue("conversationId", conversationId)
                .addValue("channelId", channelId)
                .addValue("senderType", senderType)
                .addValue("text", text)
                .addValue("eventId", sourceEventId)
                .addValue("correlationId", correlationId)) == 1;
    }

    /** Marks the conversation active now; a snoozed conversation wakes up when the customer writes. */
    public void touchConversation(UUID tenantId, UUID conversationId, boolean inbound) {
        jdbc.update("""
                UPDATE conversations
                SET last_message_at = now(), updated_at = now(),
                    status = CASE WHEN :inbound AND status = 'snoozed' THEN 'open' ELSE status END,
                    snoozed_until = CASE WHEN :inbound AND status = 'snoozed' THEN NULL ELSE snoozed_until END
                WHERE id = :id AND tenant_id = :tenantId
                """, Map.of("inbound", inbound, "id", conversationId, "tenantId", tenantId));
    }

    /**
     * Moves a message's status forward: nothing happens when {@code status} is not ahead of the stored one or the
     * message already failed. Returns the conversation when the status changed.
     */
    public Optional<UUID> advanceStatus(UUID tenantId, UUID messageId, MessageStatus status, String providerMessageId,
                                        String errorCode, String errorMessage) {
        return jdbc.query("""
                UPDATE messages
                SET status = :status, status_updated_at = now(),
                    provider_message_id = COALESCE(provider_message_id, :providerId),
                    error_code = COALESCE(:errorCode, error_code),
                    error_message = COALESCE(:errorMessage, error_message)
                WHERE id = :id AND tenant_id = :tenantId AND direction = 'outbound'
                  AND status <> 'failed'
                  AND message_status_rank(status) < message_status_rank(:status)
                RETURNING conversation_id
                """, new MapSqlParameterSource()
                .addValue("status", status.wireName())
                .addValue("providerId", providerMessageId)
                .addValue("errorCode", errorCode)
                .addValue("errorMessage", errorMessage)
                .addValue("id", messageId)
                .addValue("tenantId", tenantId), (row, i) -> row.getObject("conversation_id", UUID.class))
                .stream().findFirst();
    }

    /** Whether {@code messageId} is an outbound message of {@code tenantId} on {@code channelId}. */
    public boolean isOutboundOf(UUID tenantId, UUID channelId, UUID messageId) {
        return !jdbc.queryForList("""
                SELECT 1 FROM messages
                WHERE id = :id AND tenant_id = :tenantId AND channel_id = :channelId AND direction = 'outbound'
                """, Map.of("id", messageId, "tenantId", tenantId, "channelId", channelId), Integer.class).isEmpty();
    }
}
