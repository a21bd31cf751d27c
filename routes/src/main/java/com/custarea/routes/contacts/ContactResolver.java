package com.custarea.routes.contacts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Finds and creates contacts across channels by their identifiers, race-free: an identifier is claimed with
 * INSERT … ON CONFLICT DO NOTHING before its contact is created, so concurrent first messages from one sender make
 * exactly one contact. The API is the seed's contactResolver (findContact, createContact, getContactIdentifiers;
 * merging comes with the dashboard API).
 */
@Service
public class ContactResolver {

    private final NamedParameterJdbcTemplate jdbc;
    private final IdentifierNormaliser normaliser;

    public ContactResolver(NamedParameterJdbcTemplate jdbc, IdentifierNormaliser normaliser) {
        this.jdbc = jdbc;
        this.normaliser = normaliser;
    }

    /** The contact that any of {@code identifiers} points at, preferring the first identifier's contact. */
    @Transactional(propagation = Propagation.SUPPORTS, readOnly = true)
    public Optional<UUID> findContact(UUID tenantId, List<ContactIdentifier> identifiers) {
        for (ContactIdentifier identifier : normaliseAll(identifiers)) {
            Optional<UUID> contact = contactOf(tenantId, identifier);
            if (contact.isPresent()) {
                return contact;
            }
        }
        return Optional.empty();
    }

    /**
     * Creates a contact owning {@code identifiers}, or, when another transaction already claimed the first
     * identifier, returns that contact. Further identifiers are attached unless another contact owns them.
     */
    @Transactional(propagation = Propagation.REQUIRED)
    public UUID createContact(UUID tenantId, List<ContactIdentifier> identifiers, String name) {
        List<ContactIdentifier> normalised = normaliseAll(identifiers);
        if (normalised.isEmpty()) {
            throw new InvalidIdentifierException("A contact needs at least one identifier");
        }
        UUID candidate = UUID.randomUUID();
        ContactIdentifier primary = normalised.get(0);
        boolean claimed = claim(tenantId, primary, candidate);
        UUID contactId;
        if (claimed) {
            jdbc.update("INSERT INTO contacts (id, tenant_id, name) VALUES (:id, :tenantId, :name)",
                    new MapSqlParameterSource().addValue("id", candidate).addValue("tenantId", tenantId)
                            .addValue("name", name));
            contactId = candidate;
        } else {
            contactId = contactOf(tenantId, primary).orElseThrow(() -> new IllegalStateException(
                    "The identifier " + primary.type().wireName() + " was claimed but has no contact"));
        }
        attach(tenantId, contactId, normalised.subList(1, normalised.size()));
        return contactId;
    }

    /**
     * The contact of {@code identifiers}: found by any of them (and given the ones it lacks), or created. This is
     * what the ingest pipeline calls for every inbound message.
     */
    @Transactional(propagation = Propagation.REQUIRED)
    public UUID resolve(UUID tenantId, List<ContactIdentifier> identifiers, String name) {
        List<ContactIdentifier> normalised = normaliseAll(identifiers);
        Optional<UUID> existing = Optional.empty();
        ContactIdentifier found = null;
        for (ContactIdentifier identifier : normalised) {
            existing = contactOf(tenantId, identifier);
            if (existing.isPresent()) {
                found = identifier;
                break;
            }
        }
        if (existing.isEmpty()) {
            return createContact(tenantId, normalised, name);
        }
        List<ContactIdentifier> others = new ArrayList<>(normalised);
        others.remove(found);
        attach(tenantId, existing.get(), others);
        if (name != null && !name.isBlank()) {
            jdbc.update("UPDATE contacts SET name = :name, updated_at = now() "
                            + "WHERE id = :id AND tenant_id = :tenantId AND name IS NULL",
                    new MapSqlParameterSource().addValue("name", name).addValue("id", existing.get())
                            .addValue("tenantId", tenantId));
        }
        return existing.get();
    }

    /** Every identifier of a contact of {@code tenantId}; empty for another tenant's contact. */
    @Transactional(propagation = Propagation.SUPPORTS, readOnly = true)
    public List<ContactIdentifier> getContactIdentifiers(UUID tenantId, UUID contactId) {
        return jdbc.query("""
                SELECT type, value FROM contact_identifiers
                WHERE tenant_id = :tenantId AND contact_id = :contactId ORDER BY created_at, type, value
                """, Map.of("tenantId", tenantId, "contactId", contactId),
                (row, i) -> ContactIdentifier.of(IdentifierType.fromWireName(row.getString("type")),
                        row.getString("value")));
    }

    private List<ContactIdentifier> normaliseAll(List<ContactIdentifier> identifiers) {
        Set<ContactIdentifier> unique = new LinkedHashSet<>();
        for (ContactIdentifier identifier : identifiers) {
            unique.add(normaliser.normalise(identifier));
        }
        return new ArrayList<>(unique);
    }

    private Optional<UUID> contactOf(UUID tenantId, ContactIdentifier identifier) {
        return jdbc.query("""
                SELECT contact_id FROM contact_identifiers
                WHERE tenant_id = :tenantId AND type = :type AND value = :value
                """, params(tenantId, identifier), (row, i) -> row.getObject("contact_id", UUID.class))
                .stream().findFirst();
    }

    private boolean claim(UUID tenantId, ContactIdentifier identifier, UUID contactId) {
        return !jdbc.query("""
                INSERT INTO contact_identifiers (tenant_id, type, value, contact_id)
                VALUES (:tenantId, :type, :value, :contactId)
                ON CONFLICT (tenant_id, type, value) DO NOTHING
                RETURNING contact_id
                """, params(tenantId, identifier).addValue("contactId", contactId),
                (row, i) -> row.getObject("contact_id", UUID.class)).isEmpty();
    }

    private void attach(UUID tenantId, UUID contactId, List<ContactIdentifier> identifiers) {
        for (ContactIdentifier identifier : identifiers) {
            // an identifier that another contact owns stays there: moving it is a merge, decided by a person
            claim(tenantId, identifier, contactId);
        }
    }

    private static MapSqlParameterSource params(UUID tenantId, ContactIdentifier identifier) {
        return new MapSqlParameterSource()
                .addValue("tenantId", tenantId)
                .addValue("type", identifier.type().wireName())
                .addValue("value", identifier.value());
    }
}
