package com.custarea.routes.conversations;

import java.sql.Array;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.channels.ChannelSettings;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.InboundMessage;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Finds the conversation an inbound message belongs to: the conversation of a message it refers to (an e-mail's
 * In-Reply-To and References) wins; then the provider's thread id; then the contact's unresolved conversation on
 * that channel; else a new one. Creation is race-free: at most one unresolved conversation exists per contact,
 * channel and thread key (a partial unique index), and the loser of a race reads the winner's.
 */
@Service
public class ConversationThreader {

    /** The thread key of channels without threads: one open conversation per contact and channel. */
    static final String DEFAULT_THREAD = "default";

    private final NamedParameterJdbcTemplate jdbc;

    public ConversationThreader(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(propagation = Propagation.REQUIRED)
    public ThreadResult thread(InboundMessage message, ChannelSettings channel, UUID contactId,
                               ContactIdentifier recipient) {
        Optional<UUID> referenced = byReferences(message);
        if (referenced.isPresent()) {
            return new ThreadResult(referenced.get(), false);
        }
        Optional<UUID> byProviderThread = byProviderThread(message);
        if (byProviderThread.isPresent()) {
            return new ThreadResult(byProviderThread.get(), false);
        }
        String threadKey = threadsByMessage(channel.type()) ? message.providerMessageId() : DEFAULT_THREAD;
        UUID candidate = UUID.randomUUID();
        List<UUID> inserted = jdbc.query("""
                INSERT INTO conversations (id, tenant_id, contact_id, channel_id, channel, thread_key,
                                           provider_thread_id, recipient_type, recipient_value, subject,
                                           last_message_at)
                VALUES (:id, :tenantId, :contactId, :channelId, :channel, :threadKey, :providerThreadId,
                        :recipientType, :recipientValue, :subject, now())
                ON CONFLICT (tenant_id, contact_id, channel_id, thread_key) WHERE status <> 'resolved' DO NOTHING
                RETURNING id
                """, new MapSqlParameterSource()
                .addValue("id", candidate)
                .addValue("tenantId", message.tenantId())
                .addValue("contactId", contactId)
                .addValue("channelId", channel.id())
                .addValue("channel", channel.type().wireName())
                .addValue("threadKey", threadKey)
                .addValue("providerThreadId", message.providerThreadId())
                .addValue("recipientType", recipient.type().wireName())
                .addValue("recipientValue", recipient.value())
                .addValue("subject", message.subject()), (row, i) -> row.getObject("id", UUID.class));
        if (!inserted.isEmpty()) {
            return new ThreadResult(inserted.get(0), true);
        }
        UUID existing = jdbc.queryForObject("""
                SELECT id FROM conversations
                WHERE tenant_id = :tenantId AND contact_id = :contactId AND channel_id = :channelId
                  AND thread_key = :threadKey AND status <> 'resolved'
                """, Map.of("tenantId", message.tenantId(), "contactId", contactId, "channelId", channel.id(),
                "threadKey", threadKey), UUID.class);
        return new ThreadResult(existing, false);
    }

    /** Channels whose messages start their own threads unless they refer to an earlier message. */
    static boolean threadsByMessage(Channel channel) {
        return channel == Channel.EMAIL;
    }

    private Optional<UUID> byReferences(InboundMessage message) {
        if (message.threadReferences().isEmpty()) {
            return Optional.empty();
        }
        return jdbc.query("""
                SELECT m.conversation_id FROM messages m
                WHERE m.tenant_id = :tenantId AND m.channel_id = :channelId
                  AND m.provider_message_id = ANY(:refs)
                ORDER BY array_position(:refs, m.provider_message_id)
                LIMIT 1
                """, new MapSqlParameterSource()
                .addValue("tenantId", message.tenantId())
                .addValue("channelId", message.channelId())
                .addValue("refs", textArray(message.threadReferences())),
                (row, i) -> row.getObject("conversation_id", UUID.class)).stream().findFirst();
    }

    private Optional<UUID> byProviderThread(InboundMessage message) {
        if (message.providerThreadId() == null) {
            return Optional.empty();
        }
        return jdbc.query("""
                SELECT id FROM conversations
                WHERE tenant_id = :tenantId AND channel_id = :channelId AND provider_thread_id = :threadId
                  AND status <> 'resolved'
                ORDER BY last_message_at DESC LIMIT 1
                """, Map.of("tenantId", message.tenantId(), "channelId", message.channelId(),
                "threadId", message.providerThreadId()), (row, i) -> row.getObject("id", UUID.class))
                .stream().findFirst();
    }

    private Array textArray(List<String> values) {
        return jdbc.getJdbcTemplate().execute((java.sql.Connection connection) ->
                connection.createArrayOf("text", values.toArray()));
    }
}
