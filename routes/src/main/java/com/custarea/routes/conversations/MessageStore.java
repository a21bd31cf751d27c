package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.support.SqlArrays;
import com.custarea.schemas.DeliveryStatus;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.PayloadJson;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Writes messages and their status, a batch per statement (set-based SQL over column arrays); every statement is
 * scoped by tenant.
 */
@Repository
public class MessageStore {

    private final NamedParameterJdbcTemplate jdbc;

    public MessageStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The messages already stored under any of {@code keys}. */
    public Map<ProviderMessageKey, StoredMessage> findByProviderIds(Collection<ProviderMessageKey> keys) {
        Map<ProviderMessageKey, StoredMessage> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        jdbc.query("""
                SELECT m.id, m.tenant_id, m.channel_id, m.provider_message_id, m.conversation_id, c.contact_id,
                       NOT EXISTS (SELECT 1 FROM messages earlier
                                   WHERE earlier.conversation_id = m.conversation_id
                                     AND (earlier.created_at, earlier.id) < (m.created_at, m.id)) AS first
                FROM messages m
                JOIN unnest(CAST(:tenants AS uuid[]), CAST(:channels AS uuid[]), CAST(:providerIds AS text[]))
                     AS wanted(tenant_id, channel_id, provider_message_id)
                  ON m.tenant_id = wanted.tenant_id AND m.channel_id = wanted.channel_id
                 AND m.provider_message_id = wanted.provider_message_id
                JOIN conversations c ON c.id = m.conversation_id AND c.tenant_id = m.tenant_id
                """, new MapSqlParameterSource()
                .addValue("tenants", SqlArrays.uuids(keys.stream().map(ProviderMessageKey::tenantId).toList()))
                .addValue("channels", SqlArrays.uuids(keys.stream().map(ProviderMessageKey::channelId).toList()))
                .addValue("providerIds", SqlArrays.texts(keys.stream()
                        .map(ProviderMessageKey::providerMessageId).toList())),
                row -> {
                    found.put(new ProviderMessageKey(row.getObject("tenant_id", UUID.class),
                                    row.getObject("channel_id", UUID.class), row.getString("provider_message_id")),
                            new StoredMessage(row.getObject("id", UUID.class),
                                    row.getObject("conversation_id", UUID.class),
                                    row.getObject("contact_id", UUID.class), row.getBoolean("first")));
                });
        return found;
    }

    /**
     * Stores inbound messages, each in its conversation, once: a message whose provider id is already stored is
     * skipped. Returns the ids of the rows this call inserted.
     */
    public Map<ProviderMessageKey, UUID> insertInbound(List<InboundMessage> messages, List<UUID> conversationIds) {
        Map<ProviderMessageKey, UUID> inserted = new HashMap<>();
        if (messages.isEmpty()) {
            return inserted;
        }
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ids.add(UUID.randomUUID());
        }
        jdbc.query("""
                INSERT INTO messages (id, tenant_id, conversation_id, channel_id, direction, sender_type,
                                      provider_message_id, subject, text, html, attachments, metadata,
                                      thread_references, status, source_event_id, correlation_id, created_at)
                SELECT row.id, row.tenant_id, row.conversation_id, row.channel_id, 'inbound', 'contact',
                       row.provider_message_id, row.subject, row.text, row.html, row.attachments, row.metadata,
                       ARRAY(SELECT jsonb_array_elements_text(row.thread_references)), 'received', row.event_id,
                       row.correlation_id, row.received_at
                FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS uuid[]), CAST(:conversations AS uuid[]),
                            CAST(:channels AS uuid[]), CAST(:providerIds AS text[]), CAST(:subjects AS text[]),
                            CAST(:texts AS text[]), CAST(:htmls AS text[]), CAST(:attachments AS jsonb[]),
                            CAST(:metadata AS jsonb[]), CAST(:refs AS jsonb[]), CAST(:events AS uuid[]),
                            CAST(:correlations AS text[]), CAST(:receivedAt AS timestamptz[]))
                     AS row(id, tenant_id, conversation_id, channel_id, provider_message_id, subject, text, html,
                            attachments, metadata, thread_references, event_id, correlation_id, received_at)
                ON CONFLICT DO NOTHING
                RETURNING id, tenant_id, channel_id, provider_message_id
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(ids))
                .addValue("tenants", SqlArrays.uuids(messages.stream().map(InboundMessage::tenantId).toList()))
                .addValue("conversations", SqlArrays.uuids(conversationIds))
                .addValue("channels", SqlArrays.uuids(messages.stream().map(InboundMessage::channelId).toList()))
                .addValue("providerIds", SqlArrays.texts(messages.stream()
                        .map(InboundMessage::providerMessageId).toList()))
                .addValue("subjects", SqlArrays.texts(messages.stream().map(InboundMessage::subject).toList()))
                .addValue("texts", SqlArrays.texts(messages.stream().map(InboundMessage::text).toList()))
                .addValue("htmls", SqlArrays.texts(messages.stream().map(InboundMessage::html).toList()))
                .addValue("attachments", SqlArrays.texts(messages.stream()
                        .map(message -> PayloadJson.write(message.attachments())).toList()))
                .addValue("metadata", SqlArrays.texts(messages.stream()
                        .map(message -> PayloadJson.write(message.metadata())).toList()))
                .addValue("refs", SqlArrays.texts(messages.stream()
                        .map(message -> PayloadJson.write(message.threadReferences())).toList()))
                .addValue("events", SqlArrays.uuids(messages.stream().map(InboundMessage::eventId).toList()))
                .addValue("correlations", SqlArrays.texts(messages.stream()
                        .map(InboundMessage::correlationId).toList()))
                .addValue("receivedAt", SqlArrays.texts(messages.stream()
                        .map(message -> (message.receivedAt() == null ? Instant.now() : message.receivedAt())
                                .toString()).toList())),
                row -> {
                    inserted.put(new ProviderMessageKey(row.getObject("tenant_id", UUID.class),
                            row.getObject("channel_id", UUID.class), row.getString("provider_message_id")),
                            row.getObject("id", UUID.class));
                });
        return inserted;
    }

    /** Stores replies as queued outbound messages (private notes as stored ones), each once per id. */
    public void insertOutbound(List<OutboundDraft> drafts, List<UUID> channelIds) {
        if (drafts.isEmpty()) {
            return;
        }
        jdbc.update("""
                INSERT INTO messages (id, tenant_id, conversation_id, channel_id, direction, sender_type, author_id,
                                      text, attachments, metadata, private, status, source_event_id, correlation_id)
                SELECT row.id, row.tenant_id, row.conversation_id, row.channel_id, 'outbound', row.sender_type,
                       row.author_id, row.text, row.attachments, row.metadata, row.private,
                       CASE WHEN row.private THEN 'received' ELSE 'queued' END, row.event_id, row.correlation_id
                FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS uuid[]), CAST(:conversations AS uuid[]),
                            CAST(:channels AS uuid[]), CAST(:senderTypes AS text[]), CAST(:authors AS uuid[]),
                            CAST(:texts AS text[]), CAST(:attachments AS jsonb[]), CAST(:metadata AS jsonb[]),
                            CAST(:private AS boolean[]), CAST(:events AS uuid[]), CAST(:correlations AS text[]))
                     AS row(id, tenant_id, conversation_id, channel_id, sender_type, author_id, text, attachments,
                            metadata, private, event_id, correlation_id)
                ON CONFLICT DO NOTHING
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(drafts.stream().map(OutboundDraft::id).toList()))
                .addValue("tenants", SqlArrays.uuids(drafts.stream().map(OutboundDraft::tenantId).toList()))
                .addValue("conversations", SqlArrays.uuids(drafts.stream().map(OutboundDraft::conversationId)
                        .toList()))
                .addValue("channels", SqlArrays.uuids(channelIds))
                .addValue("senderTypes", SqlArrays.texts(drafts.stream().map(OutboundDraft::senderType).toList()))
                .addValue("authors", SqlArrays.uuids(drafts.stream().map(OutboundDraft::authorId).toList()))
                .addValue("texts", SqlArrays.texts(drafts.stream().map(OutboundDraft::text).toList()))
                .addValue("attachments", SqlArrays.texts(drafts.stream()
                        .map(draft -> PayloadJson.write(draft.attachments())).toList()))
                .addValue("metadata", SqlArrays.texts(drafts.stream()
                        .map(draft -> PayloadJson.write(draft.metadata())).toList()))
                .addValue("private", SqlArrays.texts(drafts.stream()
                        .map(draft -> Boolean.toString(draft.privateNote())).toList()))
                .addValue("events", SqlArrays.uuids(drafts.stream().map(OutboundDraft::sourceEventId).toList()))
                .addValue("correlations", SqlArrays.texts(drafts.stream().map(OutboundDraft::correlationId)
                        .toList())));
    }

    /**
     * Marks conversations active now, in id order (every stage locks conversations in the same order, so two
     * batches never deadlock). A snoozed conversation wakes up when the customer writes.
     */
    public void touchConversations(UUID tenantId, Collection<UUID> conversationIds, boolean inbound) {
        touchConversations(conversationIds.stream().map(id -> Map.entry(tenantId, id)).toList(), inbound);
    }

    /** {@link #touchConversations(UUID, Collection, boolean)} for conversations of several tenants. */
    public void touchConversations(List<Map.Entry<UUID, UUID>> tenantAndConversation, boolean inbound) {
        List<Map.Entry<UUID, UUID>> sorted = tenantAndConversation.stream().distinct()
                .sorted(Map.Entry.comparingByValue()).toList();
        if (sorted.isEmpty()) {
            return;
        }
        MapSqlParameterSource ids = new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(sorted.stream().map(Map.Entry::getValue).toList()));
        // lock in id order first: an UPDATE alone locks in whatever order its plan visits the rows
        jdbc.query("SELECT id FROM conversations WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY id FOR NO KEY UPDATE",
                ids, row -> { });
        jdbc.update("""
                UPDATE conversations c
                SET last_message_at = now(), updated_at = now(),
                    status = CASE WHEN :inbound AND c.status = 'snoozed' THEN 'open' ELSE c.status END,
                    snoozed_until = CASE WHEN :inbound AND c.status = 'snoozed' THEN NULL ELSE c.snoozed_until END
                FROM unnest(CAST(:tenants AS uuid[]), CAST(:ids AS uuid[])) AS touched(tenant_id, id)
                WHERE c.id = touched.id AND c.tenant_id = touched.tenant_id
                """, new MapSqlParameterSource()
                .addValue("inbound", inbound)
                .addValue("tenants", SqlArrays.uuids(sorted.stream().map(Map.Entry::getKey).toList()))
                .addValue("ids", SqlArrays.uuids(sorted.stream().map(Map.Entry::getValue).toList())));
    }

    /**
     * Applies delivery reports: a message's status moves only forward (by rank), never out of failed. Several
     * reports on one message in a batch count as the most advanced of them. Returns the changes made.
     */
    public List<StatusChange> advanceStatus(List<DeliveryStatus> reports) {
        Map<UUID, DeliveryStatus> furthest = new HashMap<>();
        for (DeliveryStatus report : reports) {
            furthest.merge(report.messageId(), report, (kept, next) ->
                    next.status().rank() > kept.status().rank() ? next : kept);
        }
        List<DeliveryStatus> sorted = furthest.values().stream()
                .sorted(java.util.Comparator.comparing(DeliveryStatus::messageId)).toList();
        if (sorted.isEmpty()) {
            return List.of();
        }
        return jdbc.query("""
                UPDATE messages m
                SET status = report.status, status_updated_at = now(),
                    provider_message_id = COALESCE(m.provider_message_id, report.provider_message_id),
                    error_code = COALESCE(report.error_code, m.error_code),
                    error_message = COALESCE(report.error_message, m.error_message)
                FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS uuid[]), CAST(:statuses AS text[]),
                            CAST(:providerIds AS text[]), CAST(:errorCodes AS text[]), CAST(:errorMessages AS text[]))
                     AS report(id, tenant_id, status, provider_message_id, error_code, error_message)
                WHERE m.id = report.id AND m.tenant_id = report.tenant_id AND m.direction = 'outbound'
                  AND m.status <> 'failed'
                  AND message_status_rank(m.status) < message_status_rank(report.status)
                RETURNING m.id, m.conversation_id, m.status
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(sorted.stream().map(DeliveryStatus::messageId).toList()))
                .addValue("tenants", SqlArrays.uuids(sorted.stream().map(DeliveryStatus::tenantId).toList()))
                .addValue("statuses", SqlArrays.texts(sorted.stream().map(report -> report.status().wireName())
                        .toList()))
                .addValue("providerIds", SqlArrays.texts(sorted.stream().map(DeliveryStatus::providerMessageId)
                        .toList()))
                .addValue("errorCodes", SqlArrays.texts(sorted.stream().map(DeliveryStatus::errorCode).toList()))
                .addValue("errorMessages", SqlArrays.texts(sorted.stream().map(DeliveryStatus::errorMessage)
                        .toList())),
                (row, i) -> new StatusChange(row.getObject("id", UUID.class),
                        row.getObject("conversation_id", UUID.class),
                        MessageStatus.fromWireName(row.getString("status"))));
    }

    /** Whether {@code messageId} is an outbound message of {@code tenantId} on {@code channelId}. */
    public boolean isOutboundOf(UUID tenantId, UUID channelId, UUID messageId) {
        return !jdbc.queryForList("""
                SELECT 1 FROM messages
                WHERE id = :id AND tenant_id = :tenantId AND channel_id = :channelId AND direction = 'outbound'
                """, Map.of("id", messageId, "tenantId", tenantId, "channelId", channelId), Integer.class).isEmpty();
    }

    /** When the contact last wrote in each of {@code conversationIds} (absent: never). */
    public Map<UUID, Instant> lastInboundAt(Collection<UUID> conversationIds) {
        if (conversationIds.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Instant> last = new HashMap<>();
        jdbc.query("""
                SELECT conversation_id, max(created_at) AS last_inbound FROM messages
                WHERE conversation_id = ANY(CAST(:ids AS uuid[])) AND direction = 'inbound'
                GROUP BY conversation_id
                """, new MapSqlParameterSource().addValue("ids", SqlArrays.uuids(List.copyOf(conversationIds))),
                row -> {
                    last.put(row.getObject("conversation_id", UUID.class),
                            row.getTimestamp("last_inbound").toInstant());
                });
        return last;
    }
}
