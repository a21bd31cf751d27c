package com.custarea.app.api;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.custarea.app.leads.LeadService;
import com.custarea.app.security.Caller;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.tickets.TicketService;
import com.custarea.routes.tickets.TicketView;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The handlers of /api/tickets and /api/leads. */
@Component
public class WorkApi {

    private static final Set<String> TICKET_STATUSES = Set.of("open", "pending", "resolved", "closed");
    private static final Set<String> LEAD_STATUSES = Set.of("new", "contacted", "qualified", "converted", "lost");

    private final TicketService tickets;
    private final LeadService leads;
    private final EventPublisher publisher;

    public WorkApi(TicketService tickets, LeadService leads, EventPublisher publisher) {
        this.tickets = tickets;
        this.leads = leads;
        this.publisher = publisher;
    }

    public void listTickets(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        request.ok(tickets.list(caller.tenantId(), status(request, TICKET_STATUSES),
                request.queryId("assigneeId").orElse(null), request.queryId("contactId").orElse(null),
                request.cursor(), request.limit()));
    }

    public void getTicket(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        request.ok(tickets.find(caller.tenantId(), id).orElseThrow(() -> notFound("ticket", id)));
    }

    public void createTicket(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        JsonNode body = request.json("ticket-create");
        TicketView created = tickets.create(caller.tenantId(), ApiRequest.text(body, "subject"),
                ApiRequest.text(body, "description"), ConversationApi.uuid(body, "conversationId"),
                ConversationApi.uuid(body, "contactId"), ApiRequest.text(body, "priority"),
                ConversationApi.uuid(body, "assigneeId"), ApiRequest.text(body, "status"));
        announce(request, ConversationEventType.TICKET_CREATED, created);
        request.created(created);
    }

    public void updateTicket(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        JsonNode body = request.json("ticket-update");
        TicketView updated = tickets.update(caller.tenantId(), id, ApiRequest.text(body, "subject"),
                body.has("description"), ApiRequest.text(body, "description"), ApiRequest.text(body, "status"),
                ApiRequest.text(body, "priority"), body.has("assigneeId"), ConversationApi.uuid(body, "assigneeId"))
                .orElseThrow(() -> notFound("ticket", id));
        announce(request, ConversationEventType.TICKET_UPDATED, updated);
        request.ok(updated);
    }

    public void deleteTicket(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        if (!tickets.delete(caller.tenantId(), id)) {
            throw notFound("ticket", id);
        }
        request.noContent();
    }

    public void listLeads(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        request.ok(leads.list(caller.tenantId(), status(request, LEAD_STATUSES), request.cursor(), request.limit()));
    }

    public void getLead(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        request.ok(leads.find(caller.tenantId(), id).orElseThrow(() -> notFound("lead", id)));
    }

    public void createLead(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        JsonNode body = request.json("lead-create");
        request.created(leads.create(caller.tenantId(), ApiRequest.text(body, "name"), ApiRequest.text(body, "email"),
                ApiRequest.text(body, "phone"), ApiRequest.text(body, "company"), ApiRequest.text(body, "status")));
    }

    public void updateLead(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        JsonNode body = request.json("lead-update");
        request.ok(leads.update(caller.tenantId(), id, ApiRequest.text(body, "name"), body.has("email"),
                ApiRequest.text(body, "email"), body.has("phone"), ApiRequest.text(body, "phone"),
                body.has("company"), ApiRequest.text(body, "company"), ApiRequest.text(body, "status"))
                .orElseThrow(() -> notFound("lead", id)));
    }

    public void deleteLead(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        if (!leads.delete(caller.tenantId(), id)) {
            throw notFound("lead", id);
        }
        request.noContent();
    }

    public void convertLead(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        LeadService.Conversion conversion = leads.convert(caller.tenantId(), id)
                .orElseThrow(() -> notFound("lead", id));
        if (conversion.contactCreated()) {
            publisher.publish(List.of(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofContact(
                    UUID.randomUUID(), caller.tenantId(), request.correlationId(),
                    ConversationEventType.CONTACT_CREATED, conversion.lead().contactId(), null))));
        }
        request.ok(conversion.lead());
    }

    private static String status(ApiRequest request, Set<String> allowed) {
        return request.query("status").map(value -> {
            if (!allowed.contains(value)) {
                throw ProblemException.badRequest("Unknown status " + value,
                        List.of(new Problem.FieldError("/status", "must be one of " + allowed)));
            }
            return value;
        }).orElse(null);
    }

    /** Publishes a ticket event once the change is committed, for workflows and webhooks. */
    private void announce(ApiRequest request, ConversationEventType type, TicketView ticket) {
        publisher.publish(List.of(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofTicket(
                UUID.randomUUID(), request.caller().tenantId(), request.correlationId(), type, ticket.id(),
                ticket.conversationId(), ticket.contactId()))));
    }

    private static ProblemException notFound(String what, UUID id) {
        return ProblemException.notFound("No " + what + " " + id);
    }
}
