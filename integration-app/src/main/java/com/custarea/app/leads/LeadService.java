package com.custarea.app.leads;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.contacts.ContactRequest;
import com.custarea.routes.contacts.ContactResolver;
import com.custarea.routes.support.Cursor;
import com.custarea.routes.support.Page;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Leads of a tenant, and their conversion into contacts (found by e-mail or phone, or created). */
@Service
public class LeadService {

    private static final String SELECT = """
            SELECT id, name, email, phone, company, status, contact_id, created_at, updated_at FROM leads
            """;

    private final NamedParameterJdbcTemplate jdbc;
    private final ContactResolver contacts;

    public LeadService(NamedParameterJdbcTemplate jdbc, ContactResolver contacts) {
        this.jdbc = jdbc;
        this.contacts = contacts;
    }

    @Transactional
    public LeadView create(UUID tenantId, String name, String email, String phone, String company, String status) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO leads (id, tenant_id, name, email, phone, company, status)
                VALUES (:id, :tenantId, :name, :email, :phone, :company, :status)
                """, new MapSqlParameterSource().addValue("id", id).addValue("tenantId", tenantId)
                .addValue("name", name).addValue("email", email).addValue("phone", phone)
                .addValue("company", company).addValue("status", status == null ? "new" : status));
        return find(tenantId, id).orElseThrow();
    }

    public Page<LeadView> list(UUID tenantId, String status, Optional<Cursor> cursor, int limit) {
        List<LeadView> rows = jdbc.query(SELECT + """
                WHERE tenant_id = :tenantId AND (CAST(:status AS text) IS NULL OR status = :status)
                  AND (CAST(:cursorAt AS timestamptz) IS NULL
                       OR (updated_at, id) < (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid)))
                ORDER BY updated_at DESC, id DESC LIMIT :limit
                """, new MapSqlParameterSource().addValue("tenantId", tenantId).addValue("status", status)
                .addValue("cursorAt", cursor.map(c -> Timestamp.from(c.at())).orElse(null))
                .addValue("cursorId", cursor.map(Cursor::id).orElse(null)).addValue("limit", limit + 1),
                LeadService::map);
        return Page.of(rows, limit, lead -> new Cursor(lead.updatedAt(), lead.id()));
    }

    public Optional<LeadView> find(UUID tenantId, UUID id) {
        return jdbc.query(SELECT + " WHERE tenant_id = :tenantId AND id = :id", Map.of("tenantId", tenantId,
                "id", id), LeadService::map).stream().findFirst();
    }

    /** Changes the fields given; the *Set flags let e-mail, phone and company be cleared. */
    @Transactional
    public Optional<LeadView> update(UUID tenantId, UUID id, String name, boolean emailSet, String email,
                                     boolean phoneSet, String phone, boolean companySet, String company,
                                     String status) {
        int updated = jdbc.update("""
                UPDATE leads SET name = COALESCE(CAST(:name AS text), name),
                    email = CASE WHEN :setEmail THEN CAST(:email AS text) ELSE email END,
                    phone = CASE WHEN :setPhone THEN CAST(:phone AS text) ELSE phone END,
                    company = CASE WHEN :setCompany THEN CAST(:company AS text) ELSE company END,
                    status = COALESCE(CAST(:status AS text), status), updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, new MapSqlParameterSource().addValue("name", name).addValue("setEmail", emailSet)
                .addValue("email", email).addValue("setPhone", phoneSet).addValue("phone", phone)
                .addValue("setCompany", companySet).addValue("company", company).addValue("status", status)
                .addValue("id", id).addValue("tenantId", tenantId));
        return updated == 0 ? Optional.empty() : find(tenantId, id);
    }

    @Transactional
    public boolean delete(UUID tenantId, UUID id) {
        return jdbc.update("DELETE FROM leads WHERE id = :id AND tenant_id = :tenantId",
                Map.of("id", id, "tenantId", tenantId)) == 1;
    }

    /** A converted lead, and whether its contact is new (and so to be announced). */
    public record Conversion(LeadView lead, boolean contactCreated) {
    }

    /**
     * Converts a lead into a contact: the contact that already has its e-mail or phone, or a new one; the lead is
     * marked converted and linked to it. A lead with neither cannot be converted (400).
     */
    @Transactional
    public Optional<Conversion> convert(UUID tenantId, UUID id) {
        Optional<LeadView> lead = find(tenantId, id);
        if (lead.isEmpty()) {
            return Optional.empty();
        }
        List<ContactIdentifier> identifiers = new ArrayList<>();
        if (lead.get().email() != null) {
            identifiers.add(ContactIdentifier.of(IdentifierType.EMAIL, lead.get().email()));
        }
        if (lead.get().phone() != null) {
            identifiers.add(ContactIdentifier.of(IdentifierType.PHONE, lead.get().phone()));
        }
        if (identifiers.isEmpty()) {
            throw ProblemException.badRequest("A lead needs an e-mail or a phone to become a contact", List.of());
        }
        UUID contactId;
        Set<UUID> created = new HashSet<>();
        try {
            contactId = contacts.resolveAll(List.of(new ContactRequest(tenantId, identifiers, lead.get().name())),
                    created).get(0);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("The lead's e-mail or phone is not valid: " + e.getMessage(),
                    List.of());
        }
        jdbc.update("""
                UPDATE leads SET status = 'converted', contact_id = :contactId, updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, Map.of("contactId", contactId, "id", id, "tenantId", tenantId));
        return find(tenantId, id).map(converted -> new Conversion(converted, created.contains(contactId)));
    }

    private static LeadView map(ResultSet row, int index) throws SQLException {
        return new LeadView(row.getObject("id", UUID.class), row.getString("name"), row.getString("email"),
                row.getString("phone"), row.getString("company"), row.getString("status"),
                row.getObject("contact_id", UUID.class), row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }
}
