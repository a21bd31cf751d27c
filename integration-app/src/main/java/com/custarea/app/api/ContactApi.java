package com.custarea.app.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.contacts.ContactImports;
import com.custarea.app.security.Caller;
import com.custarea.routes.contacts.ContactService;
import com.custarea.routes.contacts.ContactView;
import com.custarea.routes.contacts.MergeResult;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.Topics;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.PayloadJson;
import com.custarea.routes.support.ProblemException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The handlers of /api/contacts: CRUD, search, identifiers, notes, merge and CSV import. */
@Component
public class ContactApi {

    private static final TypeReference<Map<String, Object>> ATTRIBUTES = new TypeReference<>() {
    };

    private final ContactService contacts;
    private final ContactImports imports;
    private final EventPublisher publisher;

    public ContactApi(ContactService contacts, ContactImports imports, EventPublisher publisher) {
        this.contacts = contacts;
        this.imports = imports;
        this.publisher = publisher;
    }

    public void list(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        request.ok(contacts.list(caller.tenantId(), request.query("q").orElse(null), request.cursor(),
                request.limit()));
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        request.ok(contacts.find(caller.tenantId(), id).orElseThrow(() -> notFound(id)));
    }

    public void create(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        JsonNode body = request.json("contact-create");
        List<ContactIdentifier> identifiers = new ArrayList<>();
        addIdentifier(identifiers, body, "externalId", IdentifierType.EXTERNAL);
        addIdentifier(identifiers, body, "email", IdentifierType.EMAIL);
        addIdentifier(identifiers, body, "phone", IdentifierType.PHONE);
        ContactView created = contacts.create(caller.tenantId(), ApiRequest.text(body, "name"), identifiers,
                attributes(body));
        announce(request, ConversationEventType.CONTACT_CREATED, created.id(), null);
        request.created(created);
    }

    public void update(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        JsonNode body = request.json("contact-update");
        ContactView updated = contacts.update(caller.tenantId(), id, body.has("name"), ApiRequest.text(body, "name"),
                attributes(body)).orElseThrow(() -> notFound(id));
        announce(request, ConversationEventType.CONTACT_UPDATED, id, null);
        request.ok(updated);
    }

    public void delete(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        if (!contacts.delete(caller.tenantId(), id)) {
            throw notFound(id);
        }
        request.noContent();
    }

    public void identifiers(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        request.ok(contacts.find(caller.tenantId(), id).orElseThrow(() -> notFound(id)).identifiers());
    }

    public void addIdentifier(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        JsonNode body = request.json("contact-identifier");
        ContactIdentifier identifier = ContactIdentifier.of(IdentifierType.fromWireName(body.get("type").asText()),
                body.get("value").asText());
        var added = contacts.addIdentifier(caller.tenantId(), id, identifier).orElseThrow(() -> notFound(id));
        announce(request, ConversationEventType.CONTACT_UPDATED, id, null);
        request.created(added);
    }

    public void merge(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        JsonNode body = request.json("contact-merge");
        UUID merged = ConversationApi.uuid(body, "mergeContactId");
        boolean force = body.has("force") && body.get("force").asBoolean();
        MergeResult result = contacts.merge(caller.tenantId(), id, merged, force, caller.userId())
                .orElseThrow(() -> ProblemException.notFound("No contacts " + id + " and " + merged + " here"));
        announce(request, ConversationEventType.CONTACT_MERGED, result.contactId(), result.mergedContactId());
        request.ok(result);
    }

    public void notes(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        if (contacts.find(caller.tenantId(), id).isEmpty()) {
            throw notFound(id);
        }
        request.ok(contacts.notes(caller.tenantId(), id));
    }

    public void addNote(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        JsonNode body = request.json("contact-note");
        request.created(contacts.addNote(caller.tenantId(), id, caller.userId(), body.get("body").asText())
                .orElseThrow(() -> notFound(id)));
    }

    public void startImport(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        String csv = request.text("text/csv");
        request.accepted(imports.start(caller.tenantId(), caller.userId(), csv));
    }

    public void importStatus(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("jobId");
        request.ok(imports.find(caller.tenantId(), id)
                .orElseThrow(() -> ProblemException.notFound("No import job " + id)));
    }

    private static void addIdentifier(List<ContactIdentifier> identifiers, JsonNode body, String field,
                                      IdentifierType type) {
        String value = ApiRequest.text(body, field);
        if (value != null) {
            identifiers.add(ContactIdentifier.of(type, value));
        }
    }

    private static Map<String, Object> attributes(JsonNode body) {
        if (!body.has("attributes")) {
            return null;
        }
        return new LinkedHashMap<>(PayloadJson.mapper().convertValue(body.get("attributes"), ATTRIBUTES));
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No contact " + id);
    }

    /** Publishes a contact event once the change is committed, for workflows and webhooks. */
    private void announce(ApiRequest request, ConversationEventType type, UUID contactId, UUID mergedContactId) {
        publisher.publish(List.of(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofContact(
                UUID.randomUUID(), request.caller().tenantId(), request.correlationId(), type, contactId,
                mergedContactId))));
    }
}
