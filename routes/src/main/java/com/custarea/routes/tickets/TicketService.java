package com.custarea.routes.tickets;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.Cursor;
import com.custarea.routes.support.Page;
import com.custarea.routes.support.ProblemException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tickets, first-class: linked to a conversation and a contact of the same tenant (checked, a 404 otherwise), with
 * status, priority and assignee. The AI agent's create_ticket tool and the workflows use it too.
 */
@Service
public class TicketService {

    private static final String SELECT = """
            SELECT id, subject, description, status, priority, conversation_id, contact_id, assignee_id, created_at,
                   updated_at FROM tickets
            """;

    private final NamedParameterJdbcTemplate jdbc;

    public TicketService(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public TicketView create(UUID tenantId, String subject, String description, UUID conversationId, UUID contactId,
                             String priority, UUID assigneeId, String status) {
        return create(UUID.randomUUID(), tenantId, subject, description, conversationId, contactId, priority,
                assigneeId, status);
    }

    /** Opens a ticket with a given id; opening the same id again changes nothing (a workflow's redelivery). */
    @Transactional
    public TicketView create(UUID id, UUID tenantId, String subject, String description, UUID conversationId,
                             UUID contactId, String priority, UUID assigneeId, String status) {
        UUID contact = contactId;
        if (conversationId != null) {
            UUID ofConversation = jdbc.query("SELECT contact_id FROM conversations WHERE id = :id AND tenant_id = :t",
                    Map.of("id", conversationId, "t", tenantId), (row, i) -> row.getObject("contact_id", UUID.class))
                    .stream().findFirst().orElseThrow(() -> ProblemException.notFound("No conversation "
                            + conversationId));
            contact = contact == null ? ofConversation : contact;
        }
        requireOwned(tenantId, "contacts", contact, "contact");
        requireOwned(tenantId, "users", assigneeId, "user");
        jdbc.update("""
                INSERT INTO tickets (id, tenant_id, conversation_id, contact_id, subject, description, status,
                                     priority, assignee_id)
                VALUES (:id, :tenantId, :conversationId, :contactId, :subject, :description, :status, :priority,
                        :assigneeId)
                ON CONFLICT (id) DO NOTHING
                """, new MapSqlParameterSource().addValue("id", id).addValue("tenantId", tenantId)
                .addValue("conversationId", conversationId).addValue("contactId", contact)
                .addValue("subject", subject).addValue("description", description)
                .addValue("status", status == null ? "open" : status)
                .addValue("priority", priority == null ? "medium" : priority).addValue("assigneeId", assigneeId));
        return find(tenantId, id).orElseThrow();
    }

    public Page<TicketView> list(UUID tenantId, String status, UUID assigneeId, UUID contactId,
                                 Optional<Cursor> cursor, int limit) {
        List<TicketView> rows = jdbc.query(SELECT + """
                WHERE tenant_id = :tenantId
                  AND (CAST(:status AS text) IS NULL OR status = :status)
                  AND (CAST(:assignee AS uuid) IS NULL OR assignee_id = :assignee)
                  AND (CAST(:contact AS uuid) IS NULL OR contact_id = :contact)
                  AND (CAST(:cursorAt AS timestamptz) IS NULL
                       OR (updated_at, id) < (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid)))
                ORDER BY updated_at DESC, id DESC LIMIT :limit
                """, new MapSqlParameterSource().addValue("tenantId", tenantId).addValue("status", status)
                .addValue("assignee", assigneeId).addValue("contact", contactId)
                .addValue("cursorAt", cursor.map(c -> Timestamp.from(c.at())).orElse(null))
                .addValue("cursorId", cursor.map(Cursor::id).orElse(null))
                .addValue("limit", limit + 1), TicketService::map);
        return Page.of(rows, limit, view -> new Cursor(view.updatedAt(), view.id()));
    }

    public Optional<TicketView> find(UUID tenantId, UUID id) {
        return jdbc.query(SELECT + " WHERE tenant_id = :tenantId AND id = :id", Map.of("tenantId", tenantId,
                "id", id), TicketService::map).stream().findFirst();
    }

    /** Changes the fields given (null leaves a field alone; {@code assigneeSet} with null unassigns). */
    @Transactional
    public Optional<TicketView> update(UUID tenantId, UUID id, String subject, boolean descriptionSet,
                                       String description, String status, String priority, boolean assigneeSet,
                                       UUID assigneeId) {
        if (assigneeSet) {
            requireOwned(tenantId, "users", assigneeId, "user");
        }
        int updated = jdbc.update("""
                UPDATE tickets SET subject = COALESCE(CAST(:subject AS text), subject),
                    description = CASE WHEN :setDescription THEN CAST(:description AS text) ELSE description END,
                    status = COALESCE(CAST(:status AS text), status),
                    priority = COALESCE(CAST(:priority AS text), priority),
                    assignee_id = CASE WHEN :setAssignee THEN CAST(:assignee AS uuid) ELSE assignee_id END,
                    updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, new MapSqlParameterSource().addValue("subject", subject)
                .addValue("setDescription", descriptionSet).addValue("description", description)
                .addValue("status", status).addValue("priority", priority).addValue("setAssignee", assigneeSet)
                .addValue("assignee", assigneeId).addValue("id", id).addValue("tenantId", tenantId));
        return updated == 0 ? Optional.empty() : find(tenantId, id);
    }

    @Transactional
    public boolean delete(UUID tenantId, UUID id) {
        return jdbc.update("DELETE FROM tickets WHERE id = :id AND tenant_id = :tenantId",
                Map.of("id", id, "tenantId", tenantId)) == 1;
    }

    private void requireOwned(UUID tenantId, String table, UUID id, String what) {
        if (id == null) {
            return;
        }
        // the table name is one of our constants, never input
        boolean owned = !jdbc.queryForList("SELECT 1 FROM " + table + " WHERE id = :id AND tenant_id = :tenantId",
                Map.of("id", id, "tenantId", tenantId), Integer.class).isEmpty();
        if (!owned) {
            throw ProblemException.notFound("No " + what + " " + id);
        }
    }

    private static TicketView map(ResultSet row, int index) throws SQLException {
        return new TicketView(row.getObject("id", UUID.class), row.getString("subject"),
                row.getString("description"), row.getString("status"), row.getString("priority"),
                row.getObject("conversation_id", UUID.class), row.getObject("contact_id", UUID.class),
                row.getObject("assignee_id", UUID.class), row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }
}
