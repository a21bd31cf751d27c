package com.custarea.routes.ai;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.ai.kb.KnowledgeIndex;
import com.custarea.routes.ai.kb.KnowledgeSearch;
import com.custarea.routes.contacts.ContactService;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.TextLimits;
import com.custarea.routes.tickets.TicketView;
import com.custarea.routes.tickets.TicketService;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/**
 * The tools an AI agent may call, run through our own services for the request's tenant, conversation and contact
 * only: create_ticket, handoff_to_human, update_contact, schedule_callback, search_knowledge_base. A tool the agent
 * was not given, or arguments that do not make sense, come back to the model as an error and change nothing; each
 * call is noted for the team.
 */
@Component
public class AgentTools {

    /** A tool's JSON Schema of parameters and what it does, as the model sees it. */
    public record Definition(String name, String description, Map<String, Object> parameters) {
    }

    /** What a call did: the result for the model, a note for the team, records to announce, a hand-off. */
    public record Outcome(String result, String note, List<OutgoingRecord> records, String handoffReason) {
    }

    /** The state one request's tool calls share: the request, the agent, and a count for effect ids. */
    public static final class Session {

        private final AiRequest request;
        private final AiAgents.AiAgent agent;
        private int calls;

        public Session(AiRequest request, AiAgents.AiAgent agent) {
            this.request = request;
            this.agent = agent;
        }

        private UUID effectId(String kind) {
            return DeterministicIds.of("ai.tool." + kind, request.eventId() + ":" + calls);
        }
    }

    private static final List<Definition> DEFINITIONS = List.of(
            new Definition("create_ticket", "Open a support ticket about this conversation for the team",
                    schema(Map.of("subject", Map.of("type", "string", "maxLength", 200),
                            "description", Map.of("type", "string", "maxLength", 5000),
                            "priority", Map.of("enum", List.of("low", "medium", "high", "urgent"))),
                            List.of("subject"))),
            new Definition("handoff_to_human", "Hand the conversation to a human colleague; the agent then stays "
                    + "silent on it", schema(Map.of("reason", Map.of("type", "string", "maxLength", 500)),
                    List.of("reason"))),
            new Definition("update_contact", "Correct the customer's name or record an attribute they told you",
                    schema(Map.of("name", Map.of("type", "string", "maxLength", 200),
                            "attributes", Map.of("type", "object", "additionalProperties", Map.of("type", "string"))),
                            List.of())),
            new Definition("schedule_callback", "Ask the team to call the customer back at a time they chose",
                    schema(Map.of("at", Map.of("type", "string", "description", "ISO-8601 date-time with offset"),
                            "note", Map.of("type", "string", "maxLength", 500)), List.of("at"))),
            new Definition("search_knowledge_base", "Search the knowledge base for passages about a question",
                    schema(Map.of("query", Map.of("type", "string", "maxLength", 500)), List.of("query"))));

    private final TicketService tickets;
    private final ContactService contacts;
    private final KnowledgeSearch search;

    public AgentTools(TicketService tickets, ContactService contacts, KnowledgeSearch search) {
        this.tickets = tickets;
        this.contacts = contacts;
        this.search = search;
    }

    /** The definitions of the tools {@code agent} was given, the only ones the model is offered. */
    public List<Definition> enabledFor(AiAgents.AiAgent agent) {
        Set<String> enabled = Set.copyOf(agent.enabledTools());
        return DEFINITIONS.stream().filter(definition -> enabled.contains(definition.name())).toList();
    }

    /** Runs one call of the model's; never throws: a failure is the result the model reads. */
    public Outcome call(Session session, String name, String arguments) {
        session.calls++;
        if (!session.agent.enabledTools().contains(name) || !AiAgents.TOOLS.contains(name)) {
            return refused(name, "the tool " + name + " is not available to this agent");
        }
        JsonNode args;
        try {
            args = PayloadJson.tree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        } catch (RuntimeException e) {
            return refused(name, "the arguments are not JSON");
        }
        try {
            return switch (name) {
                case "create_ticket" -> createTicket(session, args);
                case "handoff_to_human" -> new Outcome("{\"handedOff\":true}", null, List.of(),
                        text(args, "reason", "the model asked for a human"));
                case "update_contact" -> updateContact(session, args);
                case "schedule_callback" -> scheduleCallback(session, args);
                default -> searchKnowledgeBase(session, args);
            };
        } catch (RuntimeException e) {
            return refused(name, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Outcome createTicket(Session session, JsonNode args) {
        String subject = text(args, "subject", null);
        if (subject == null || subject.isBlank()) {
            return refused("create_ticket", "a subject is required");
        }
        String priority = text(args, "priority", "medium").toLowerCase(Locale.ROOT);
        if (!List.of("low", "medium", "high", "urgent").contains(priority)) {
            priority = "medium";
        }
        AiRequest request = session.request;
        TicketView ticket = tickets.create(session.effectId("ticket"), request.tenantId(), cut(subject, 200),
                cut(text(args, "description", null), 5000), request.conversationId(), null, priority, null, null);
        return new Outcome(PayloadJson.write(Map.of("ticketId", ticket.id().toString())),
                "The AI agent opened the ticket \"" + ticket.subject() + "\"", List.of(OutgoingRecord.of(
                Topics.CONVERSATION_EVENTS, ConversationEvent.ofTicket(session.effectId("ticket.created"),
                        request.tenantId(), request.correlationId(), ConversationEventType.TICKET_CREATED,
                        ticket.id(), ticket.conversationId(), ticket.contactId()))), null);
    }

    private Outcome updateContact(Session session, JsonNode args) {
        AiRequest request = session.request;
        String name = text(args, "name", null);
        Map<String, Object> attributes = null;
        if (args.path("attributes").isObject()) {
            attributes = new LinkedHashMap<>();
            for (var field : (Iterable<Map.Entry<String, JsonNode>>) args.path("attributes")::fields) {
                attributes.put(cut(field.getKey(), 100), cut(field.getValue().asText(), 1000));
            }
        }
        if (name == null && attributes == null) {
            return refused("update_contact", "give a name or attributes");
        }
        if (contacts.update(request.tenantId(), request.contactId(), name != null, name == null ? null
                : cut(name, 200), attributes).isEmpty()) {
            return refused("update_contact", "the contact no longer exists");
        }
        return new Outcome("{\"updated\":true}", "The AI agent updated the contact: " + args, List.of(
                OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofContact(
                        session.effectId("contact.updated"), request.tenantId(), request.correlationId(),
                        ConversationEventType.CONTACT_UPDATED, request.contactId(), null))), null);
    }

    private Outcome scheduleCallback(Session session, JsonNode args) {
        String at = text(args, "at", "");
        OffsetDateTime when;
        try {
            when = OffsetDateTime.parse(at);
        } catch (DateTimeParseException e) {
            return refused("schedule_callback", "at must be an ISO-8601 date-time with an offset, not " + at);
        }
        AiRequest request = session.request;
        String note = text(args, "note", null);
        TicketView ticket = tickets.create(session.effectId("callback"), request.tenantId(),
                "Call the customer back at " + when, note == null ? null : cut(note, 500), request.conversationId(),
                null, "high", null, null);
        return new Outcome(PayloadJson.write(Map.of("scheduled", when.toString(), "ticketId",
                ticket.id().toString())), "The AI agent scheduled a callback for " + when, List.of(
                OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofTicket(
                        session.effectId("callback.created"), request.tenantId(), request.correlationId(),
                        ConversationEventType.TICKET_CREATED, ticket.id(), ticket.conversationId(),
                        ticket.contactId()))), null);
    }

    private Outcome searchKnowledgeBase(Session session, JsonNode args) {
        String query = text(args, "query", "");
        if (query.isBlank()) {
            return refused("search_knowledge_base", "a query is required");
        }
        List<Map<String, Object>> passages = new ArrayList<>();
        for (KnowledgeIndex.Hit hit : search.search(session.request.tenantId(), session.agent.id(), cut(query, 500),
                4)) {
            passages.add(Map.of("title", hit.title(), "text", hit.text(), "similarity",
                    Math.round(hit.similarity() * 1000) / 1000.0));
        }
        return new Outcome(PayloadJson.write(Map.of("passages", passages)), null, List.of(), null);
    }

    private static Outcome refused(String name, String reason) {
        return new Outcome(PayloadJson.write(Map.of("error", reason)), "The AI agent's call of " + name
                + " was refused: " + reason, List.of(), null);
    }

    private static String text(JsonNode args, String field, String fallback) {
        JsonNode value = args.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    private static String cut(String text, int length) {
        return TextLimits.truncate(text, length);
    }

    private static Map<String, Object> schema(Map<String, Object> properties, List<String> required) {
        return Map.of("type", "object", "properties", properties, "required", required,
                "additionalProperties", false);
    }
}
