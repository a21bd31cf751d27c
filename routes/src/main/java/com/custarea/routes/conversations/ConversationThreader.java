package com.custarea.routes.conversations;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.SqlArrays;
import com.custarea.schemas.Channel;
import com.custarea.schemas.InboundMessage;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Finds the conversation an inbound message belongs to: the conversation of a message it refers to (an e-mail's
 * In-Reply-To and References) wins; then the provider's thread id; then the contact's unresolved conversation on
 * that channel and thread; else a new one. Creation is race-free: at most one unresolved conversation exists per
 * contact, channel and thread key (a partial unique index), and the loser of a race reads the winner's. A batch
 * finds its open conversations with one query; only new conversations cost statements of their own.
 */
@Service
public class ConversationThreader {

    /** Reply and forward prefixes of common mail clients (English, German, Nordic, Dutch), repeated or numbered. */
    static final String SUBJECT_PREFIXES = "^\\s*((re|aw|sv|antw|fwd?|wg|tr)\\s*(\\[\\d+\\])?\\s*:\\s*)+";
    private static final java.util.regex.Pattern REPLY_SUBJECT = java.util.regex.Pattern.compile(
            "^\\s*(re|aw|sv|antw)\\s*(\\[\\d+\\])?\\s*:", java.util.regex.Pattern.CASE_INSENSITIVE);
    /** How recent a conversation must be for a reply to join it by subject alone. */
    static final int SUBJECT_WINDOW_DAYS = 30;

    /** The thread key of channels without threads: one open conversation per contact and channel. */
    static final String DEFAULT_THREAD = "default";

    private final NamedParameterJdbcTemplate jdbc;

    public ConversationThreader(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Threads one message. */
    @Transactional(propagation = Propagation.REQUIRED)
    public ThreadResult thread(ThreadRequest request) {
        return threadAll(List.of(request)).get(0);
    }

    /** Threads each message, in order. */
    @Transactional(propagation = Propagation.REQUIRED)
    public List<ThreadResult> threadAll(List<ThreadRequest> requests) {
        ThreadResult[] results = new ThreadResult[requests.size()];
        List<Integer> byThreadKey = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            InboundMessage message = requests.get(i).message();
            ThreadRequest request = requests.get(i);
            Optional<UUID> existing = byReferences(message).or(() -> byProviderThread(message))
                    .or(() -> byReplySubject(request));
            if (existing.isPresent()) {
                results[i] = new ThreadResult(existing.get(), false);
            } else {
                byThreadKey.add(i);
            }
        }
        Map<OpenThread, UUID> open = openConversations(byThreadKey.stream().map(requests::get).toList());
        for (int i : byThreadKey) {
            ThreadRequest request = requests.get(i);
            OpenThread thread = OpenThread.of(request);
            UUID known = open.get(thread);
            if (known != null) {
                results[i] = new ThreadResult(known, false);
            } else {
                ThreadResult created = create(request, thread);
                open.put(thread, created.conversationId());
                results[i] = created;
            }
        }
        return List.of(results);
    }

    /** Channels whose messages start their own threads unless they refer to an earlier message. */
    static boolean threadsByMessage(Channel channel) {
        return channel == Channel.EMAIL;
    }

    /**
     * Channels whose sender may name a thread of its own (an unverified widget visitor): two senders on one contact
     * (two visitors who typed the same e-mail) then never share a conversation.
     */
    static boolean threadsBySenderThread(Channel channel) {
        return channel == Channel.WIDGET;
    }

    private Map<OpenThread, UUID> openConversations(List<ThreadRequest> requests) {
        Map<OpenThread, UUID> open = new HashMap<>();
        if (requests.isEmpty()) {
            return open;
        }
        List<OpenThread> threads = requests.stream().map(OpenThread::of).distinct().toList();
        jdbc.query("""
                SELECT c.id, c.tenant_id, c.contact_id, c.channel_id, c.thread_key FROM conversations c
                JOIN unnest(CAST(:tenants AS uuid[]), CAST(:contacts AS uuid[]), CAST(:channels AS uuid[]),
                            CAST(:threads AS text[])) AS wanted(tenant_id, contact_id, channel_id, thread_key)
                  ON c.tenant_id = wanted.tenant_id AND c.contact_id = wanted.contact_id
                 AND c.channel_id = wanted.channel_id AND c.thread_key = wanted.thread_key
                WHERE c.status <> 'resolved'
                """, new MapSqlParameterSource()
                .addValue("tenants", SqlArrays.uuids(threads.stream().map(OpenThread::tenantId).toList()))
                .addValue("contacts", SqlArrays.uuids(threads.stream().map(OpenThread::contactId).toList()))
                .addValue("channels", SqlArrays.uuids(threads.stream().map(OpenThread::channelId).toList()))
                .addValue("threads", SqlArrays.texts(threads.stream().map(OpenThread::threadKey).toList())),
                row -> {
                    open.put(new OpenThread(row.getObject("tenant_id", UUID.class),
                            row.getObject("contact_id", UUID.class), row.getObject("channel_id", UUID.class),
                            row.getString("thread_key")), row.getObject("id", UUID.class));
                });
        return open;
    }

    private ThreadResult create(ThreadRequest request, OpenThread thread) {
        InboundMessage message = request.message();
        List<UUID> inserted = jdbc.query("""
                INSERT INTO conversations (id, tenant_id, contact_id, channel_id, channel, thread_key,
                                           provider_thread_id, recipient_type, recipient_value, subject,
                                           last_message_at)
                VALUES (:id, :tenantId, :contactId, :channelId, :channel, :threadKey, :providerThreadId,
                        :recipientType, :recipientValue, :subject, now())
                ON CONFLICT (tenant_id, contact_id, channel_id, thread_key) WHERE status <> 'resolved' DO NOTHING
                RETURNING id
                """, new MapSqlParameterSource()
                .addValue("id", UUID.randomUUID())
                .addValue("tenantId", thread.tenantId())
                .addValue("contactId", thread.contactId())
                .addValue("channelId", thread.channelId())
                .addValue("channel", request.channel().type().wireName())
                .addValue("threadKey", thread.threadKey())
                .addValue("providerThreadId", message.providerThreadId())
                .addValue("recipientType", request.recipient().type().wireName())
                .addValue("recipientValue", request.recipient().value())
                .addValue("subject", message.subject()), (row, i) -> row.getObject("id", UUID.class));
        if (!inserted.isEmpty()) {
            return new ThreadResult(inserted.get(0), true);
        }
        UUID winner = jdbc.queryForObject("""
                SELECT id FROM conversations
                WHERE tenant_id = :tenantId AND contact_id = :contactId AND channel_id = :channelId
                  AND thread_key = :threadKey AND status <> 'resolved'
                """, Map.of("tenantId", thread.tenantId(), "contactId", thread.contactId(),
                "channelId", thread.channelId(), "threadKey", thread.threadKey()), UUID.class);
        return new ThreadResult(winner, false);
    }

    private Optional<UUID> byReferences(InboundMessage message) {
        if (message.threadReferences().isEmpty()) {
            return Optional.empty();
        }
        // SES replaces our Message-ID with <its message id@…amazonses.com>: a reply refers to that, and the send
        // ledger knows which of our messages SES gave that id
        List<String> sesIds = message.threadReferences().stream().map(ConversationThreader::sesMessageId).toList();
        return jdbc.query("""
                SELECT conversation_id FROM (
                    SELECT m.conversation_id, array_position(CAST(:refs AS text[]), m.provider_message_id) AS position
                    FROM messages m
                    WHERE m.tenant_id = :tenantId AND m.channel_id = :channelId
                      AND m.provider_message_id = ANY(CAST(:refs AS text[]))
                    UNION ALL
                    SELECT m.conversation_id, array_position(CAST(:sesIds AS text[]), l.provider_message_id)
                    FROM send_ledger l JOIN messages m ON m.id = l.message_id AND m.tenant_id = l.tenant_id
                    WHERE l.tenant_id = :tenantId AND m.channel_id = :channelId
                      AND l.provider_message_id = ANY(CAST(:sesIds AS text[]))
                ) found
                ORDER BY position LIMIT 1
                """, new MapSqlParameterSource()
                .addValue("tenantId", message.tenantId())
                .addValue("channelId", message.channelId())
                .addValue("refs", SqlArrays.texts(message.threadReferences()))
                .addValue("sesIds", SqlArrays.texts(sesIds)),
                (row, i) -> row.getObject("conversation_id", UUID.class)).stream().findFirst();
    }

    /** The SES message id a Message-ID of SES's carries ({@code <id@email.amazonses.com>}), else null. */
    static String sesMessageId(String reference) {
        int at = reference.lastIndexOf('@');
        if (at < 1 || !reference.startsWith("<") || !reference.endsWith(".amazonses.com>")) {
            return null;
        }
        return reference.substring(1, at);
    }

    /**
     * A reply whose client dropped its references ("Re: Order 1" and nothing else) joins the contact's open
     * conversation on the mailbox with the same subject, if it moved within the subject window. Only replies: a
     * forward or a new mail with an old subject starts its own conversation.
     */
    private Optional<UUID> byReplySubject(ThreadRequest request) {
        InboundMessage message = request.message();
        if (!threadsByMessage(request.channel().type()) || message.subject() == null
                || !REPLY_SUBJECT.matcher(message.subject()).lookingAt()) {
            return Optional.empty();
        }
        return jdbc.query("""
                SELECT id FROM conversations
                WHERE tenant_id = :tenantId AND channel_id = :channelId AND contact_id = :contactId
                  AND status <> 'resolved' AND last_message_at > now() - CAST(:window AS interval)
                  AND lower(btrim(regexp_replace(subject, :prefixes, '', 'i')))
                      = lower(btrim(regexp_replace(:subject, :prefixes, '', 'i')))
                ORDER BY last_message_at DESC LIMIT 1
                """, new MapSqlParameterSource()
                .addValue("tenantId", message.tenantId())
                .addValue("channelId", message.channelId())
                .addValue("contactId", request.contactId())
                .addValue("window", SUBJECT_WINDOW_DAYS + " days")
                .addValue("prefixes", SUBJECT_PREFIXES)
                .addValue("subject", message.subject()), (row, i) -> row.getObject("id", UUID.class))
                .stream().findFirst();
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

    /** The key of an unresolved conversation: tenant, contact, channel and thread. */
    private record OpenThread(UUID tenantId, UUID contactId, UUID channelId, String threadKey) {

        static OpenThread of(ThreadRequest request) {
            InboundMessage message = request.message();
            String threadKey = threadsByMessage(request.channel().type()) ? message.providerMessageId()
                    : threadsBySenderThread(request.channel().type()) && message.providerThreadId() != null
                    ? message.providerThreadId() : DEFAULT_THREAD;
            return new OpenThread(message.tenantId(), request.contactId(), request.channel().id(), threadKey);
        }
    }
}
