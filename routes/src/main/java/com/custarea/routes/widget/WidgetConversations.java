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

/**
 * A visitor's side of the widget: their messages become InboundMessages (the same pipeline, contact resolution and
 * agent as every channel), and their history is the conversations of their contact on this widget. A verified
 * identity links the visitor to the tenant's contact and its history; an e-mail (typed, or sent with a verified
 * identity, which the hash does not cover) is kept on the visitor, never used to find a contact, so giving someone
 * else's address shows nobody's history.
 */
@Service
public class WidgetConversations {

    /** The prefix of a verified user's id among the contact's identifiers. */
    public static final String USER_PREFIX = "widget-user:";
    public static final int MAX_TEXT = 5000;

    /**
     * One message of the visitor's history; {@code clientMessageId} is the widget's own id of a visitor's message
     * (null for the team's), so the widget matches what it sent with what was stored.
     */
    public record HistoryMessage(UUID id, UUID conversationId, String direction, String senderType, String text,
                                 String status, Instant createdAt, String clientMessageId) {
    }

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
                text, null, List.of(), List.of(), null, now, metadata);
    }

    /**
     * Who the visitor is among contacts' identifiers: the visitor id first, then, once verified, the site's user id.
     * Never the e-mail, even a verified visitor's: the identity hash covers only the user id, so an e-mail sent with
     * it is unproven and would let one signed-in user claim another person's contact and history.
     */
    public List<ContactIdentifier> identifiers(WidgetVisitors.Visitor visitor) {
        List<ContactIdentifier> identifiers = new ArrayList<>();
        identifiers.add(ContactIdentifier.of(IdentifierType.VISITOR, visitor.id().toString()));
        if (visitor.verified()) {
            identifiers.add(ContactIdentifier.of(IdentifierType.EXTERNAL, USER_PREFIX + visitor.userId()));
        }
        return identifiers;
    }

    /** Whether {@code contactId} is the visitor's contact (by the visitor's id, or its verified user id). */
    public boolean isVisitorsContact(WidgetVisitors.Visitor visitor, UUID contactId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM contact_identifiers
                               WHERE tenant_id = :t AND contact_id = :contact
                                 AND ((type = 'visitor' AND value = :visitor) OR (type = 'external' AND value = :user)))
                """, new MapSqlParameterSource().addValue("t", visitor.tenantId()).addValue("contact", contactId)
                .addValue("visitor", visitor.id().toString())
                .addValue("user", visitor.verified() ? USER_PREFIX + visitor.userId() : null), Boolean.class));
    }

    /** The messages of the visitor's conversations on this widget, oldest first, notes never. */
    public List<HistoryMessage> history(WidgetVisitors.Visitor visitor, UUID conversationId, int limit) {
        List<HistoryMessage> newestFirst = jdbc.query("""
                SELECT m.id, m.conversation_id, m.direction, m.sender_type, m.text, m.status, m.created_at,
                       CASE WHEN m.direction = 'inbound' THEN split_part(m.provider_message_id, ':', 2) END
                           AS client_message_id
                FROM messages m
                JOIN conversations c ON c.id = m.conversation_id AND c.tenant_id = m.tenant_id
                WHERE c.tenant_id = :t AND c.channel_id = :c AND NOT m.private
                  AND (CAST(:conversation AS uuid) IS NULL OR c.id = :conversation)
                  AND c.contact_id IN (SELECT contact_id FROM contact_identifiers
                                       WHERE tenant_id = :t AND ((type = 'visitor' AND value = :visitor)
                                          OR (type = 'external' AND value = :user)))
                ORDER BY m.created_at DESC, m.id DESC LIMIT :limit
                """, new MapSqlParameterSource().addValue("t", visitor.tenantId())
                .addValue("c", visitor.channelId()).addValue("conversation", conversationId)
                .addValue("visitor", visitor.id().toString())
                .addValue("user", visitor.verified() ? USER_PREFIX + visitor.userId() : null)
                .addValue("limit", limit), (row, i) -> new HistoryMessage(row.getObject("id", UUID.class),
                row.getObject("conversation_id", UUID.class), row.getString("direction"),
                row.getString("sender_type"), row.getString("text"), row.getString("status"),
                row.getTimestamp("created_at").toInstant(), row.getString("client_message_id")));
        List<HistoryMessage> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }
}
