package com.custarea.routes.contacts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.support.SqlArrays;
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
 * merging comes with the dashboard API), plus {@link #resolveAll} for the ingest pipeline's batches: one query finds
 * the known contacts of a whole batch, and only new senders cost statements of their own.
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
        List<ContactIdentifier> normalised = normaliseAll(identifiers);
        Map<Key, UUID> known = lookup(normalised.stream().map(identifier -> new Key(tenantId, identifier)).toList());
        return normalised.stream().map(identifier -> known.get(new Key(tenantId, identifier)))
                .filter(java.util.Objects::nonNull).findFirst();
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
        UUID contactId = claimOrFind(tenantId, normalised.get(0), name, new HashSet<>());
        attach(tenantId, contactId, normalised.subList(1, normalised.size()));
        return contactId;
    }

    /** The contact of {@code identifiers}: found by any of them (and given the ones it lacks), or created. */
    @Transactional(propagation = Propagation.REQUIRED)
    public UUID resolve(UUID tenantId, List<ContactIdentifier> identifiers, String name) {
        return resolveAll(List.of(new ContactRequest(tenantId, identifiers, name))).get(0);
    }

    /**
     * The contact of each request, in order: found by any of its identifiers (the first that is known wins; the
     * others are attached to it when nobody owns them), or created. Names fill contacts that have none.
     */
    @Transactional(propagation = Propagation.REQUIRED)
    public List<UUID> resolveAll(List<ContactRequest> requests) {
        return resolveAll(requests, new HashSet<>());
    }

    /** As {@link #resolveAll(List)}, adding the ids of the contacts it created to {@code created}. */
    @Transactional(propagation = Propagation.REQUIRED)
    public List<UUID> resolveAll(List<ContactRequest> requests, Set<UUID> created) {
        List<List<ContactIdentifier>> normalised = requests.stream()
                .map(request -> normaliseAll(request.identifiers())).toList();
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            for (ContactIdentifier identifier : normalised.get(i)) {
                keys.add(new Key(requests.get(i).tenantId(), identifier));
            }
        }
        Map<Key, UUID> known = new HashMap<>(lookup(keys));
        List<UUID> contacts = new ArrayList<>(requests.size());
        Map<UUID, String> names = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            ContactRequest request = requests.get(i);
            List<ContactIdentifier> identifiers = normalised.get(i);
            if (identifiers.isEmpty()) {
                throw new InvalidIdentifierException("A contact needs at least one identifier");
            }
            UUID contactId = identifiers.stream().map(identifier -> known.get(new Key(request.tenantId(), identifier)))
                    .filter(java.util.Objects::nonNull).findFirst()
                    .orElseGet(() -> claimOrFind(request.tenantId(), identifiers.get(0), request.name(), created));
            for (ContactIdentifier identifier : identifiers) {
                Key key = new Key(request.tenantId(), identifier);
                if (!known.containsKey(key)) {
                    // an identifier that another contact owns stays there: moving it is a merge, decided by a person
                    claim(request.tenantId(), identifier, contactId);
                    known.put(key, contactOf(request.tenantId(), identifier).orElse(contactId));
                }
            }
            if (request.name() != null && !request.name().isBlank()) {
                names.putIfAbsent(contactId, request.name());
            }
            contacts.add(contactId);
        }
        fillMissingNames(names);
        return contacts;
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

    /** Claims {@code identifier} for a new contact, or finds the contact that already has it. */
    private UUID claimOrFind(UUID tenantId, ContactIdentifier identifier, String name, Set<UUID> created) {
        UUID candidate = UUID.randomUUID();
        if (claim(tenantId, identifier, candidate)) {
            jdbc.update("INSERT INTO contacts (id, tenant_id, name) VALUES (:id, :tenantId, :name)",
                    new MapSqlParameterSource().addValue("id", candidate).addValue("tenantId", tenantId)
                            .addValue("name", name));
            created.add(candidate);
            return candidate;
        }
        return contactOf(tenantId, identifier).orElseThrow(() -> new IllegalStateException(
                "The identifier " + identifier.type().wireName() + " was claimed but has no contact"));
    }

    private Map<Key, UUID> lookup(List<Key> keys) {
        Map<Key, UUID> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        jdbc.query("""
                SELECT ci.tenant_id, ci.type, ci.value, ci.contact_id
                FROM contact_identifiers ci
                JOIN unnest(CAST(:tenants AS uuid[]), CAST(:types AS text[]), CAST(:values AS text[]))
                     AS wanted(tenant_id, type, value)
                  ON ci.tenant_id = wanted.tenant_id AND ci.type = wanted.type AND ci.value = wanted.value
                """, new MapSqlParameterSource()
                .addValue("tenants", SqlArrays.uuids(keys.stream().map(Key::tenantId).toList()))
                .addValue("types", SqlArrays.texts(keys.stream().map(key -> key.identifier().type().wireName())
                        .toList()))
                .addValue("values", SqlArrays.texts(keys.stream().map(key -> key.identifier().value()).toList())),
                row -> {
                    found.put(new Key(row.getObject("tenant_id", UUID.class), ContactIdentifier.of(
                            IdentifierType.fromWireName(row.getString("type")), row.getString("value"))),
                            row.getObject("contact_id", UUID.class));
                });
        return found;
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
            claim(tenantId, identifier, contactId);
        }
    }

    private void fillMissingNames(Map<UUID, String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<UUID> ids = names.keySet().stream().sorted().toList();
        jdbc.update("""
                UPDATE contacts c SET name = named.name, updated_at = now()
                FROM unnest(CAST(:ids AS uuid[]), CAST(:names AS text[])) AS named(id, name)
                WHERE c.id = named.id AND c.name IS NULL
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(ids))
                .addValue("names", SqlArrays.texts(ids.stream().map(names::get).toList())));
    }

    private static MapSqlParameterSource params(UUID tenantId, ContactIdentifier identifier) {
        return new MapSqlParameterSource()
                .addValue("tenantId", tenantId)
                .addValue("type", identifier.type().wireName())
                .addValue("value", identifier.value());
    }

    private record Key(UUID tenantId, ContactIdentifier identifier) {
    }
}
