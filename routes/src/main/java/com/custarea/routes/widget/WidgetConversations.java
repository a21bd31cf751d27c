package com.custarea.routes.widget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.channels.ChannelSettings;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/** A visitor's side of the widget: its messages as the pipeline's InboundMessages, and the history it may read. */
@Service
public class WidgetConversations {

    /** The prefix of a verified user's id among the contact's identifiers. */
    public static final String USER_PREFIX = "widget-user:";
    /** The prefix of an unverified visitor's own thread: the provider thread id of the conversations it starts. */
    public static final String VISITOR_THREAD_PREFIX = "widget-visitor:";
    public static final int MAX_TEXT = 5000;

    /**
     * One message of the visitor's history; {@code clientMessageId} is the widget's own id of a visitor's message
     * (null for the team's), so the widget matches what it sent with what was stored.
     */
    public record HistoryMessage(UUID id, UUID conversationId, String direction, String senderType, String text,
                                 String status, Instant createdAt, String clientMessageId) {
    }

    /**
     * The conversations a visitor may read on its widget: those of its own thread and, when verified, those of the
     * verified user's contact that are no visitor's thread. An unverified visitor's pre-chat e-mail lands it on the
     * contact of that address, but proves nothing, so it writes in a thread of its own; the verified user of that
     * contact reads none of those threads, since whoever typed the address may not be that user.
     */
    private static final String VISITORS_CONVERSATION = """
            (c.provider_thread_id = :thread
             OR (c.contact_id IN (SELECT contact_id FROM contact_identifiers
                                  WHERE tenant_id = :t AND type = 'external' AND value = :user)
                 AND (c.provider_thread_id IS NULL OR left(c.provider_thread_id, :prefixLength) <> :prefix)))
            """;

    private final NamedParameterJdbcTemplate jdbc;

    public WidgetConversations(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The visitor's message as the pipeline's InboundMessage; the client's id makes a resend the same message. */
    public InboundMessage inbound(ChannelSettings channel, WidgetVisitors.Visitor visitor, String clientMessageId,
                                  String text, String correlationId, Map<String, String> metadata) {
        List<ContactIdentifier> identifiers = identifiers(visitor);
        Instant now = Instant.now();
        return new InboundMessage(UUID.randomUUID(), channel.tenantId(), now, InboundMessage.SCHEMA_VERSION,
                correlationId, Channel.WIDGET, channel.id(), visitor.id() + ":" + clientMessageId,
                identifiers.get(0), visitor.name(), identifiers.subList(1, identifiers.size()), null,
                text, null, List.of(), List.of(), visitor.verified() ? null : visitorThread(visitor), now, metadata);
    }

    /**
     * Who the visitor is among contacts' identifiers: the visitor id first, then the verified user id, or, for an
     * unverified visitor, the e-mail it gave (so it lands on the contact that wrote in with that address). Never a
     * verified visitor's e-mail: the identity hash covers only the user id, and a verified visitor reads its
     * contact's history, so an unproven address there would let one signed-in user read another person's (nor one
     * of a visitor whose proof lapsed: {@link WidgetVisitors.Visitor#withUserId} leaves it out).
     */
    public List<ContactIdentifier> identifiers(WidgetVisitors.Visitor visitor) {
        List<ContactIdentifier> identifiers = new ArrayList<>();
        identifiers.add(ContactIdentifier.of(IdentifierType.VISITOR, visitor.id().toString()));
        if (visitor.verified()) {
            identifiers.add(ContactIdentifier.of(IdentifierType.EXTERNAL, USER_PREFIX + visitor.userId()));
        } else if (visitor.email() != null) {
            identifiers.add(ContactIdentifier.of(IdentifierType.EMAIL, visitor.email()));
        }
        return identifiers;
    }

    /** The thread an unverified visitor writes in: its conversations are its own even on a shared contact. */
    public static String visitorThread(WidgetVisitors.Visitor visitor) {
        return VISITOR_THREAD_PREFIX + visitor.id();
    }

    /** Whether the visitor may read {@code conversationId} (see {@link #history}). */
    public boolean isVisitorsConversation(WidgetVisitors.Visitor visitor, UUID conversationId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM conversations c
                               WHERE c.tenant_id = :t AND c.channel_id = :c AND c.id = :conversation AND
                """ + VISITORS_CONVERSATION + ")", visitorParams(visitor).addValue("conversation", conversationId),
                Boolean.class));
    }

    /**
     * The messages the visitor may read on this widget, oldest first, notes never: those of its own thread, and
     * when verified those of the user's contact here outside visitors' threads.
     */
    public List<HistoryMessage> history(WidgetVisitors.Visitor visitor, UUID conversationId, int limit) {
        List<HistoryMessage> newestFirst = jdbc.query("""
                SELECT m.id, m.conversation_id, m.direction, m.sender_type, m.text, m.status, m.created_at,
                       CASE WHEN m.direction = 'inbound' THEN split_part(m.provider_message_id, ':', 2) END
                           AS client_message_id
                FROM messages m
                JOIN conversations c ON c.id = m.conversation_id AND c.tenant_id = m.tenant_id
                WHERE c.tenant_id = :t AND c.channel_id = :c AND NOT m.private
                  AND (CAST(:conversation AS uuid) IS NULL OR c.id = :conversation) AND
                """ + VISITORS_CONVERSATION + """
                ORDER BY m.created_at DESC, m.id DESC LIMIT :limit
                """, visitorParams(visitor).addValue("conversation", conversationId).addValue("limit", limit),
                (row, i) -> new HistoryMessage(row.getObject("id", UUID.class),
                row.getObject("conversation_id", UUID.class), row.getString("direction"),
                row.getString("sender_type"), row.getString("text"), row.getString("status"),
                row.getTimestamp("created_at").toInstant(), row.getString("client_message_id")));
        List<HistoryMessage> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    private static MapSqlParameterSource visitorParams(WidgetVisitors.Visitor visitor) {
        return new MapSqlParameterSource().addValue("t", visitor.tenantId()).addValue("c", visitor.channelId())
                .addValue("thread", visitorThread(visitor)).addValue("prefix", VISITOR_THREAD_PREFIX)
                .addValue("prefixLength", VISITOR_THREAD_PREFIX.length())
                .addValue("user", visitor.verified() ? USER_PREFIX + visitor.userId() : null);
    }
}
