package com.custarea.routes.email;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The thread an outbound e-mail continues: the conversation's subject, the Message-IDs it refers to (In-Reply-To
 * the latest mail of the contact's, References the conversation's mails) and the provider's thread id; and, once
 * chosen, our Message-ID recorded on the message so that a reply finds the conversation even before the send is
 * reported.
 */
@Repository
public class EmailThreads {

    /** RFC 5322 puts no limit on References, but some servers refuse long headers: the first and the latest. */
    static final int MAX_REFERENCES = 20;

    private final NamedParameterJdbcTemplate jdbc;

    public EmailThreads(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What an outbound mail of a conversation carries.
     *
     * @param subject          the conversation's subject ("Re: …" when the contact wrote first), never null
     * @param inReplyTo        the Message-ID of the contact's latest mail, else of the latest mail we sent, or null
     * @param references       the conversation's Message-IDs, oldest first
     * @param providerThreadId the provider's thread (Gmail threadId), or null
     */
    public record Thread(String subject, String inReplyTo, List<String> references, String providerThreadId) {
    }

    /** The thread of {@code conversationId} for the message {@code messageId} about to be sent. */
    public Thread of(UUID tenantId, UUID conversationId, UUID messageId) {
        MapSqlParameterSource params = new MapSqlParameterSource().addValue("tenantId", tenantId)
                .addValue("conversationId", conversationId).addValue("messageId", messageId);
        Optional<Map<String, Object>> conversation = jdbc.queryForList("""
                SELECT subject, provider_thread_id FROM conversations WHERE id = :conversationId AND tenant_id = :tenantId
                """, params).stream().findFirst();
        List<Map<String, Object>> mails = jdbc.queryForList("""
                SELECT provider_message_id, direction FROM messages
                WHERE conversation_id = :conversationId AND tenant_id = :tenantId AND id <> :messageId
                  AND provider_message_id LIKE '<%@%>' AND NOT private
                ORDER BY created_at, id
                """, params);
        List<String> ids = new ArrayList<>();
        String lastInbound = null;
        for (Map<String, Object> mail : mails) {
            String id = (String) mail.get("provider_message_id");
            ids.add(id);
            if ("inbound".equals(mail.get("direction"))) {
                lastInbound = id;
            }
        }
        String inReplyTo = lastInbound != null ? lastInbound : ids.isEmpty() ? null : ids.get(ids.size() - 1);
        List<String> references = ids.size() <= MAX_REFERENCES ? ids : new ArrayList<>(ids.subList(0, 1));
        if (ids.size() > MAX_REFERENCES) {
            references.addAll(ids.subList(ids.size() - MAX_REFERENCES + 1, ids.size()));
        }
        String subject = conversation.map(row -> (String) row.get("subject")).filter(s -> !s.isBlank()).orElse(null);
        String threadSubject = lastInbound != null ? EmailMimeWriter.replySubject(subject)
                : subject == null ? "(no subject)" : subject;
        return new Thread(threadSubject, inReplyTo, references,
                conversation.map(row -> (String) row.get("provider_thread_id")).orElse(null));
    }

    /** Records {@code rfcMessageId} as the provider id of the outbound message {@code messageId}. */
    public void recordMessageId(UUID tenantId, UUID messageId, String rfcMessageId) {
        jdbc.update("""
                UPDATE messages SET provider_message_id = :rfcMessageId
                WHERE id = :messageId AND tenant_id = :tenantId AND provider_message_id IS NULL
                """, Map.of("tenantId", tenantId, "messageId", messageId, "rfcMessageId", rfcMessageId));
    }

    /** Keeps the provider's thread id on the conversation when it has none yet (a mail we started in Gmail). */
    public void recordProviderThread(UUID tenantId, UUID conversationId, String providerThreadId) {
        if (providerThreadId != null) {
            jdbc.update("""
                    UPDATE conversations SET provider_thread_id = :threadId
                    WHERE id = :conversationId AND tenant_id = :tenantId AND provider_thread_id IS NULL
                    """, Map.of("tenantId", tenantId, "conversationId", conversationId, "threadId", providerThreadId));
        }
    }
}
