package com.custarea.routes.contacts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.AttributeChanges;
import com.custarea.routes.support.Cursor;
import com.custarea.routes.support.Page;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.support.SqlArrays;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.PayloadJson;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Contacts for the dashboard: create, find, change, delete, their identifiers and notes, and merging two contacts
 * that are one person (the seed's mergeContacts). Every query is scoped by tenant.
 */
@Service
public class ContactService {

    private final NamedParameterJdbcTemplate jdbc;
    private final IdentifierNormaliser normaliser;

    public ContactService(NamedParameterJdbcTemplate jdbc, IdentifierNormaliser normaliser) {
        this.jdbc = jdbc;
        this.normaliser = normaliser;
    }

    /**
     * Creates a contact with {@code identifiers} (may be none). An identifier another contact already has is a 409
     * problem naming that contact, and nothing is created.
     */
    @Transactional
    public ContactView create(UUID tenantId, String name, List<ContactIdentifier> identifiers,
                              Map<String, Object> attributes) {
        List<ContactIdentifier> normalised = normaliseAll(identifiers);
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO contacts (id, tenant_id, name, attributes) VALUES (:id, :tenantId, :name,
                CAST(:attributes AS jsonb))
                """, new MapSqlParameterSource().addValue("id", id).addValue("tenantId", tenantId)
                .addValue("name", name).addValue("attributes", PayloadJson.write(attributes == null ? Map.of()
                        : attributes)));
        for (ContactIdentifier identifier : normalised) {
            claimOrConflict(tenantId, id, identifier);
        }
        return find(tenantId, id).orElseThrow();
    }

    /** The tenant's contacts, newest first, optionally those whose name or identifiers contain {@code search}. */
    public Page<ContactView> list(UUID tenantId, String search, Optional<Cursor> cursor, int limit) {
        String pattern = search == null ? null : "%" + search.replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%";
        List<UUID> ids = jdbc.queryForList("""
                SELECT c.id FROM contacts c
                WHERE c.tenant_id = :tenantId
                  AND (CAST(:pattern AS text) IS NULL OR c.name ILIKE :pattern
                       OR EXISTS (SELECT 1 FROM contact_identifiers i WHERE i.contact_id = c.id
                                  AND i.tenant_id = c.tenant_id AND i.value ILIKE :pattern))
                  AND (CAST(:cursorAt AS timestamptz) IS NULL
                       OR (c.created_at, c.id) < (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid)))
                ORDER BY c.created_at DESC, c.id DESC
                LIMIT :limit
                """, new MapSqlParameterSource().addValue("tenantId", tenantId).addValue("pattern", pattern)
                .addValue("cursorAt", cursor.map(c -> Timestamp.from(c.at())).orElse(null))
                .addValue("cursorId", cursor.map(Cursor::id).orElse(null))
                .addValue("limit", limit + 1), UUID.class);
        return Page.of(load(tenantId, ids), limit, view -> new Cursor(view.createdAt(), view.id()));
    }

    public Optional<ContactView> find(UUID tenantId, UUID id) {
        return load(tenantId, List.of(id)).stream().findFirst();
    }

    /** Changes name and attributes; empty when the tenant has no such contact. */
    @Transactional
    public Optional<ContactView> update(UUID tenantId, UUID id, boolean nameSet, String name,
                                        Map<String, Object> attributes) {
        int updated = jdbc.update("""
                UPDATE contacts SET name = CASE WHEN :setName THEN CAST(:name AS text) ELSE name END,
                                    attributes = COALESCE(CAST(:attributes AS jsonb), attributes),
                                    updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, new MapSqlParameterSource().addValue("setName", nameSet).addValue("name", name)
                .addValue("attributes", attributes == null ? null : PayloadJson.write(attributes))
                .addValue("id", id).addValue("tenantId", tenantId));
        return updated == 0 ? Optional.empty() : find(tenantId, id);
    }

    /**
     * Adds {@code attributes} to the contact's with {@code prefix} before each key (so they never replace the keys
     * the tenant set without it; a null value removes its key). False, and nothing changed, when there is no such
     * contact or it would then hold more than {@code maxKeys} keys with the prefix.
     */
    @Transactional
    public boolean mergePrefixedAttributes(UUID tenantId, UUID id, String prefix, Map<String, Object> attributes,
                                           int maxKeys) {
        String merged = AttributeChanges.MERGED;
        return jdbc.update("UPDATE contacts SET attributes = " + merged + ", updated_at = now()"
                + " WHERE id = :id AND tenant_id = :tenantId AND (SELECT count(*) FROM jsonb_object_keys(" + merged
                + ") AS k WHERE left(k, length(:prefix)) = :prefix) <= :maxKeys",
                AttributeChanges.of(prefix, attributes).addTo(new MapSqlParameterSource()).addValue("prefix", prefix)
                .addValue("maxKeys", maxKeys).addValue("id", id).addValue("tenantId", tenantId)) == 1;
    }

    @Transactional
    public boolean delete(UUID tenantId, UUID id) {
        return jdbc.update("DELETE FROM contacts WHERE id = :id AND tenant_id = :tenantId",
                Map.of("id", id, "tenantId", tenantId)) == 1;
    }

    /** Adds an identifier to a contact; 409 when another contact has it. */
    @Transactional
    public Optional<ContactView> addIdentifier(UUID tenantId, UUID id, ContactIdentifier identifier) {
        if (find(tenantId, id).isEmpty()) {
            return Optional.empty();
        }
        claimOrConflict(tenantId, id, normalise(identifier));
        return find(tenantId, id);
    }

    /**
     * Merges {@code mergedId} into {@code primaryId}: its identifiers, conversations, notes, tickets and leads move
     * to the primary contact, which keeps its name unless it has none; the merged contact is deleted and the merge
     * is recorded. Refused (409) when both contacts have different identifiers of one kind (two e-mail addresses,
     * say), unless {@code force}.
     */
    @Transactional
    public Optional<MergeResult> merge(UUID tenantId, UUID primaryId, UUID mergedId, boolean force, UUID actorId) {
        if (primaryId.equals(mergedId)) {
            throw ProblemException.badRequest("A contact cannot be merged into itself",
                    List.of(new Problem.FieldError("/mergeContactId", "must name another contact")));
        }
        List<UUID> locked = jdbc.queryForList("""
                SELECT id FROM contacts WHERE tenant_id = :tenantId AND id IN (:primary, :merged)
                ORDER BY id FOR UPDATE
                """, Map.of("tenantId", tenantId, "primary", primaryId, "merged", mergedId), UUID.class);
        if (locked.size() != 2) {
            return Optional.empty();
        }
        if (!force) {
            List<String> clashes = jdbc.queryForList("""
                    SELECT DISTINCT p.type FROM contact_identifiers p JOIN contact_identifiers m
                      ON m.tenant_id = p.tenant_id AND m.type = p.type AND m.value <> p.value
                    WHERE p.tenant_id = :tenantId AND p.contact_id = :primary AND m.contact_id = :merged
                    """, Map.of("tenantId", tenantId, "primary", primaryId, "merged", mergedId), String.class);
            if (!clashes.isEmpty()) {
                throw new ProblemException(409, "merge-conflict", "Conflict",
                        "Both contacts have different identifiers of kind " + String.join(", ", clashes)
                                + "; merge with force=true if they are one person", List.of(), null);
            }
        }
        Map<String, Object> ids = Map.of("tenantId", tenantId, "primary", primaryId, "merged", mergedId);
        int identifiers = jdbc.update("""
                UPDATE contact_identifiers SET contact_id = :primary
                WHERE tenant_id = :tenantId AND contact_id = :merged
                """, ids);
        // two open conversations on one channel thread cannot both stay "the" open one: the moved one keeps its own
        jdbc.update("""
                UPDATE conversations m SET thread_key = 'merged:' || m.id
                WHERE m.tenant_id = :tenantId AND m.contact_id = :merged AND m.status <> 'resolved'
                  AND EXISTS (SELECT 1 FROM conversations p WHERE p.tenant_id = m.tenant_id
                              AND p.contact_id = :primary AND p.channel_id = m.channel_id
                              AND p.thread_key = m.thread_key AND p.status <> 'resolved')
                """, ids);
        int conversations = jdbc.update("""
                UPDATE conversations SET contact_id = :primary, updated_at = now()
                WHERE tenant_id = :tenantId AND contact_id = :merged
                """, ids);
        int notes = jdbc.update("""
                UPDATE contact_notes SET contact_id = :primary WHERE tenant_id = :tenantId AND contact_id = :merged
                """, ids);
        jdbc.update("UPDATE tickets SET contact_id = :primary WHERE tenant_id = :tenantId AND contact_id = :merged",
                ids);
        jdbc.update("UPDATE leads SET contact_id = :primary WHERE tenant_id = :tenantId AND contact_id = :merged",
                ids);
        jdbc.update("""
                UPDATE contacts p SET name = COALESCE(p.name, m.name),
                                      attributes = m.attributes || p.attributes, updated_at = now()
                FROM contacts m WHERE p.id = :primary AND p.tenant_id = :tenantId AND m.id = :merged
                """, ids);
        jdbc.update("DELETE FROM contacts WHERE id = :merged AND tenant_id = :tenantId", ids);
        jdbc.update("""
                INSERT INTO contact_merges (id, tenant_id, primary_contact_id, merged_contact_id, actor_id, forced,
                                            identifiers_moved, conversations_moved, notes_moved)
                VALUES (:id, :tenantId, :primary, :merged, :actor, :forced, :identifiers, :conversations, :notes)
                """, new MapSqlParameterSource(ids).addValue("id", UUID.randomUUID()).addValue("actor", actorId)
                .addValue("forced", force).addValue("identifiers", identifiers)
                .addValue("conversations", conversations).addValue("notes", notes));
        return Optional.of(new MergeResult(primaryId, mergedId, identifiers, conversations, notes));
    }

    /** Adds a note to a contact of the tenant; empty when there is no such contact. */
    @Transactional
    public Optional<Map<String, Object>> addNote(UUID tenantId, UUID contactId, UUID authorId, String body) {
        if (find(tenantId, contactId).isEmpty()) {
            return Optional.empty();
        }
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO contact_notes (id, tenant_id, contact_id, author_id, body)
                VALUES (:id, :tenantId, :contactId, :authorId, :body)
                """, new MapSqlParameterSource().addValue("id", id).addValue("tenantId", tenantId)
                .addValue("contactId", contactId).addValue("authorId", authorId).addValue("body", body));
        return Optional.of(jdbc.queryForMap("SELECT id, contact_id, author_id, body, created_at FROM contact_notes "
                + "WHERE id = :id", Map.of("id", id)));
    }

    /** A contact's notes, oldest first; empty for another tenant's contact. */
    public List<Map<String, Object>> notes(UUID tenantId, UUID contactId) {
        return jdbc.queryForList("""
                SELECT id, contact_id, author_id, body, created_at FROM contact_notes
                WHERE tenant_id = :tenantId AND contact_id = :contactId ORDER BY created_at, id
                """, Map.of("tenantId", tenantId, "contactId", contactId));
    }

    /** Normalises an identifier, as a 400 problem naming {@code field} when it is not valid. */
    public ContactIdentifier normalise(ContactIdentifier identifier) {
        try {
            return normaliser.normalise(identifier);
        } catch (InvalidIdentifierException e) {
            throw ProblemException.badRequest(e.getMessage(),
                    List.of(new Problem.FieldError("/" + identifier.type().wireName(), e.getMessage())));
        }
    }

    private List<ContactIdentifier> normaliseAll(List<ContactIdentifier> identifiers) {
        return identifiers.stream().map(this::normalise).distinct().toList();
    }

    private void claimOrConflict(UUID tenantId, UUID contactId, ContactIdentifier identifier) {
        UUID owner = jdbc.queryForObject("""
                WITH claimed AS (
                    INSERT INTO contact_identifiers (tenant_id, type, value, contact_id)
                    VALUES (:tenantId, :type, :value, :contactId)
                    ON CONFLICT (tenant_id, type, value) DO NOTHING
                    RETURNING contact_id)
                SELECT contact_id FROM claimed
                UNION ALL
                SELECT contact_id FROM contact_identifiers
                WHERE tenant_id = :tenantId AND type = :type AND value = :value
                LIMIT 1
                """, new MapSqlParameterSource().addValue("tenantId", tenantId)
                .addValue("type", identifier.type().wireName()).addValue("value", identifier.value())
                .addValue("contactId", contactId), UUID.class);
        if (!contactId.equals(owner)) {
            throw new ProblemException(409, "identifier-taken", "Conflict", "The " + identifier.type().wireName()
                    + " " + identifier.value() + " belongs to contact " + owner + "; merge the contacts instead",
                    List.of(new Problem.FieldError("/" + identifier.type().wireName(), "belongs to contact " + owner)),
                    null);
        }
    }

    private List<ContactView> load(UUID tenantId, List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<UUID, List<ContactIdentifier>> identifiers = new HashMap<>();
        jdbc.query("""
                SELECT contact_id, type, value FROM contact_identifiers
                WHERE tenant_id = :tenantId AND contact_id = ANY(CAST(:ids AS uuid[])) ORDER BY created_at, type
                """, new MapSqlParameterSource().addValue("tenantId", tenantId).addValue("ids", SqlArrays.uuids(ids)),
                row -> {
                    identifiers.computeIfAbsent(row.getObject("contact_id", UUID.class), key -> new ArrayList<>())
                            .add(ContactIdentifier.of(IdentifierType.fromWireName(row.getString("type")),
                                    row.getString("value")));
                });
        Map<UUID, ContactView> byId = new HashMap<>();
        jdbc.query("""
                SELECT id, name, attributes::text AS attributes, created_at, updated_at FROM contacts
                WHERE tenant_id = :tenantId AND id = ANY(CAST(:ids AS uuid[]))
                """, new MapSqlParameterSource().addValue("tenantId", tenantId).addValue("ids", SqlArrays.uuids(ids)),
                row -> {
                    byId.put(row.getObject("id", UUID.class), view(row, identifiers));
                });
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    private static ContactView view(ResultSet row, Map<UUID, List<ContactIdentifier>> identifiers)
            throws SQLException {
        UUID id = row.getObject("id", UUID.class);
        return new ContactView(id, row.getString("name"), row.getString("attributes"),
                identifiers.getOrDefault(id, List.of()), row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }
}
