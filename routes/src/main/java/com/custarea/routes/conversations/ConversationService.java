package com.custarea.routes.conversations;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.Cursor;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.Page;
import com.custarea.routes.support.SqlArrays;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.Topics;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads and changes conversations and their messages for the dashboard; every query is scoped by tenant. */
@Service
public class ConversationService {

    private static final String SELECT_CONVERSATION = """
            SELECT c.id, c.contact_id, ct.name AS contact_name, c.channel_id, c.channel, c.status, c.subject,
                   c.assignee_id, c.priority, c.labels, c.snoozed_until, c.last_message_at, c.created_at
            FROM conversations c JOIN contacts ct ON ct.id = c.contact_id AND ct.tenant_id = c.tenant_id
            """;
    private static final String SELECT_MESSAGE = """
            SELECT id, conversation_id, direction, sender_type, author_id, subject, text, attachments::text AS attachments,
                   private, status, error_code, error_message, created_at, status_updated_at
            FROM messages
            """;

    private final NamedParameterJdbcTemplate jdbc;

    public ConversationService(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The tenant's conversations matching {@code filter}, newest activity first. */
    public Page<ConversationView> list(UUID tenantId, ConversationFilter filter, Optional<Cursor> cursor, int limit) {
        String pattern = filter.text() == null ? null : "%" + escapeLike(filter.text()) + "%";
        List<ConversationView> rows = jdbc.query(SELECT_CONVERSATION + """
                WHERE c.tenant_id = :tenantId
                  AND (CAST(:status AS text) IS NULL OR c.status = :status)
                  AND (CAST(:channel AS text) IS NULL OR c.channel = :channel)
                  AND (CAST(:assignee AS uuid) IS NULL OR c.assignee_id = :assignee)
                  AND (NOT :unassigned OR c.assignee_id IS NULL)
                  AND (CAST(:label AS text) IS NULL OR :label = ANY(c.labels))
                  AND (CAST(:contact AS uuid) IS NULL OR c.contact_id = :contact)
                  AND (CAST(:pattern AS text) IS NULL OR c.subject ILIKE :pattern OR ct.name ILIKE :pattern
                       OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id
                                  AND m.tenant_id = c.tenant_id AND m.text ILIKE :pattern))
                  AND (CAST(:cursorAt AS timestamptz) IS NULL
                       OR (c.last_message_at, c.id) < (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid)))
                ORDER BY c.last_message_at DESC, c.id DESC
                LIMIT :limit
                """, new MapSqlParameterSource()
                .addValue("tenantId", tenantId)
                .addValue("status", filter.status())
                .addValue("channel", filter.channel())
                .addValue("assignee", filter.assigneeId())
                .addValue("unassigned", filter.unassigned())
                .addValue("label", filter.label())
                .addValue("contact", filter.contactId())
                .addValue("pattern", pattern)
                .addValue("cursorAt", cursor.map(c -> Timestamp.from(c.at())).orElse(null))
                .addValue("cursorId", cursor.map(Cursor::id).orElse(null))
                .addValue("limit", limit + 1), ConversationService::conversation);
        return Page.of(rows, limit, view -> new Cursor(view.lastMessageAt(), view.id()));
    }

    public Optional<ConversationView> find(UUID tenantId, UUID id) {
        return jdbc.query(SELECT_CONVERSATION + " WHERE c.tenant_id = :tenantId AND c.id = :id",
                Map.of("tenantId", tenantId, "id", id), ConversationService::conversation).stream().findFirst();
    }

    /**
     * Opens a conversation with a contact on a channel of the tenant (a thread of its own, so it never collides with
     * the contact's open conversation). Returns it and the event to publish.
     */
    @Transactional
    public Changed create(UUID tenantId, UUID contactId, UUID channelId, String subject, UUID assigneeId,
                          List<String> labels, String priority, String correlationId) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO conversations (id, tenant_id, contact_id, channel_id, channel, thread_key, recipient_type,
                                           recipient_value, subject, assignee_id, labels, priority)
                SELECT :id, :tenantId, :contactId, ch.id, ch.type, 'manual:' || :id, ci.type, ci.value, :subject,
                       :assignee, CAST(:labels AS text[]), :priority
                FROM channels ch
                JOIN LATERAL (SELECT type, value FROM contact_identifiers
                              WHERE tenant_id = :tenantId AND contact_id = :contactId
                              ORDER BY CASE WHEN type = CASE ch.type WHEN 'email' THEN 'email'
                                                                     WHEN 'api' THEN 'external'
                                                                     WHEN 'widget' THEN 'visitor'
                                                                     ELSE 'phone' END THEN 0 ELSE 1 END, created_at
                              LIMIT 1) ci ON true
                WHERE ch.id = :channelId AND ch.tenant_id = :tenantId
                """, new MapSqlParameterSource()
                .addValue("id", id)
                .addValue("tenantId", tenantId)
                .addValue("contactId", contactId)
                .addValue("channelId", channelId)
                .addValue("subject", subject)
                .addValue("assignee", assigneeId)
                .addValue("labels", SqlArrays.texts(labels == null ? List.of() : labels))
                .addValue("priority", priority == null ? "none" : priority));
        ConversationView view = find(tenantId, id).orElseThrow(() -> new IllegalArgumentException(
                "The contact has no address to reach it on that channel"));
        return new Changed(view, List.of(event(tenantId, view, ConversationEventType.CONVERSATION_CREATED,
                correlationId)));
    }

    /** Applies {@code change} (only the fields it names) and returns the conversation and the event to publish. */
    @Transactional
    public Optional<Changed> update(UUID tenantId, UUID id, ConversationChange change, String correlationId) {
        Optional<String> before = jdbc.queryForList("""
                SELECT status FROM conversations WHERE id = :id AND tenant_id = :tenantId FOR UPDATE
                """, Map.of("id", id, "tenantId", tenantId), String.class).stream().findFirst();
        if (before.isEmpty()) {
            return Optional.empty();
        }
        int updated = jdbc.update("""
                UPDATE conversations SET
                    status = COALESCE(CAST(:status AS text), status),
                    assignee_id = CASE WHEN :setAssignee THEN CAST(:assignee AS uuid) ELSE assignee_id END,
                    labels = CASE WHEN :setLabels THEN CAST(:labels AS text[]) ELSE labels END,
                    priority = COALESCE(CAST(:priority AS text), priority),
                    snoozed_until = CASE WHEN :setSnooze THEN CAST(:snoozedUntil AS timestamptz)
                                         WHEN CAST(:status AS text) IS NOT NULL AND :status <> 'snoozed' THEN NULL
                                         ELSE snoozed_until END,
                    subject = CASE WHEN :setSubject THEN CAST(:subject AS text) ELSE subject END,
                    updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, new MapSqlParameterSource()
                .addValue("status", change.status())
                .addValue("setAssignee", change.assigneeSet())
                .addValue("assignee", change.assigneeId())
                .addValue("setLabels", change.labels() != null)
                .addValue("labels", SqlArrays.texts(change.labels() == null ? List.of() : change.labels()))
                .addValue("priority", change.priority())
                .addValue("setSnooze", change.snoozeSet())
                .addValue("snoozedUntil", change.snoozedUntil() == null ? null : Timestamp.from(change.snoozedUntil()))
                .addValue("setSubject", change.subjectSet())
                .addValue("subject", change.subject())
                .addValue("id", id)
                .addValue("tenantId", tenantId));
        if (updated == 0) {
            return Optional.empty();
        }
        ConversationView view = find(tenantId, id).orElseThrow();
        List<OutgoingRecord> events = new ArrayList<>();
        events.add(event(tenantId, view, ConversationEventType.CONVERSATION_UPDATED, correlationId));
        if (!before.get().equals(view.status())) {
            events.add(event(tenantId, view, ConversationEventType.CONVERSATION_STATUS_CHANGED, correlationId));
        }
        return Optional.of(new Changed(view, List.copyOf(events)));
    }

    /** Deletes a conversation and its messages; false when the tenant has no such conversation. */
    @Transactional
    public boolean delete(UUID tenantId, UUID id) {
        return jdbc.update("DELETE FROM conversations WHERE id = :id AND tenant_id = :tenantId",
                Map.of("id", id, "tenantId", tenantId)) == 1;
    }

    /** A conversation's messages, oldest first; empty for another tenant's conversation. */
    public Page<MessageView> messages(UUID tenantId, UUID conversationId, Optional<Cursor> cursor, int limit) {
        List<MessageView> rows = jdbc.query(SELECT_MESSAGE + """
                WHERE tenant_id = :tenantId AND conversation_id = :conversationId
                  AND (CAST(:cursorAt AS timestamptz) IS NULL
                       OR (created_at, id) > (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid)))
                ORDER BY created_at, id
                LIMIT :limit
                """, new MapSqlParameterSource()
                .addValue("tenantId", tenantId)
                .addValue("conversationId", conversationId)
                .addValue("cursorAt", cursor.map(c -> Timestamp.from(c.at())).orElse(null))
                .addValue("cursorId", cursor.map(Cursor::id).orElse(null))
                .addValue("limit", limit + 1), ConversationService::message);
        return Page.of(rows, limit, view -> new Cursor(view.createdAt(), view.id()));
    }

    public Optional<MessageView> message(UUID tenantId, UUID id) {
        return jdbc.query(SELECT_MESSAGE + " WHERE tenant_id = :tenantId AND id = :id",
                Map.of("tenantId", tenantId, "id", id), ConversationService::message).stream().findFirst();
    }

    /** Whether the tenant has a user {@code userId} (an assignee must be one). */
    public boolean isUserOf(UUID tenantId, UUID userId) {
        return !jdbc.queryForList("SELECT 1 FROM users WHERE id = :id AND tenant_id = :tenantId",
                Map.of("id", userId, "tenantId", tenantId), Integer.class).isEmpty();
    }

    private static OutgoingRecord event(UUID tenantId, ConversationView view, ConversationEventType type,
                                        String correlationId) {
        return OutgoingRecord.of(Topics.CONVERSATION_EVENTS, new ConversationEvent(UUID.randomUUID(), tenantId,
                Instant.now(), ConversationEvent.SCHEMA_VERSION, correlationId, type, view.id(), view.contactId(),
                Channel.fromWireName(view.channel()), view.channelId(), null, null, null, null, null, null,
                view.status()));
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static ConversationView conversation(ResultSet row, int index) throws SQLException {
        Array labels = row.getArray("labels");
        Timestamp snoozed = row.getTimestamp("snoozed_until");
        return new ConversationView(row.getObject("id", UUID.class), row.getObject("contact_id", UUID.class),
                row.getString("contact_name"), row.getObject("channel_id", UUID.class), row.getString("channel"),
                row.getString("status"), row.getString("subject"), row.getObject("assignee_id", UUID.class),
                row.getString("priority"),
                labels == null ? List.of() : new ArrayList<>(Arrays.asList((String[]) labels.getArray())),
                snoozed == null ? null : snoozed.toInstant(), row.getTimestamp("last_message_at").toInstant(),
                row.getTimestamp("created_at").toInstant());
    }

    private static MessageView message(ResultSet row, int index) throws SQLException {
        return new MessageView(row.getObject("id", UUID.class), row.getObject("conversation_id", UUID.class),
                row.getString("direction"), row.getString("sender_type"), row.getObject("author_id", UUID.class),
                row.getString("subject"), row.getString("text"), row.getString("attachments"),
                row.getBoolean("private"), row.getString("status"), row.getString("error_code"),
                row.getString("error_message"), row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("status_updated_at").toInstant());
    }

    /** A conversation after a change, and the event that announces it. */
    public record Changed(ConversationView conversation, List<OutgoingRecord> events) {
    }
}
