package com.custarea.app.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.custarea.app.security.Caller;
import com.custarea.routes.conversations.ConversationChange;
import com.custarea.routes.conversations.ConversationFilter;
import com.custarea.routes.conversations.ConversationService;
import com.custarea.routes.conversations.ConversationView;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The handlers of /api/conversations. */
@Component
public class ConversationApi {

    private static final Set<String> STATUSES = Set.of("open", "pending", "snoozed", "resolved");
    private static final Set<String> CHANNELS = Set.of("api", "email", "whatsapp", "sms", "widget", "voice");

    private final ConversationService conversations;
    private final EventPublisher publisher;

    public ConversationApi(ConversationService conversations, EventPublisher publisher) {
        this.conversations = conversations;
        this.publisher = publisher;
    }

    public void list(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        String status = request.query("status").map(value -> oneOf("status", value, STATUSES)).orElse(null);
        String channel = request.query("channel").map(value -> oneOf("channel", value, CHANNELS)).orElse(null);
        String assignee = request.query("assignee").orElse(null);
        UUID assigneeId = null;
        boolean unassigned = false;
        if ("me".equals(assignee)) {
            assigneeId = caller.userId();
        } else if ("unassigned".equals(assignee)) {
            unassigned = true;
        } else if (assignee != null) {
            assigneeId = request.queryId("assignee").orElseThrow();
        }
        ConversationFilter filter = new ConversationFilter(status, channel, assigneeId, unassigned,
                request.query("label").orElse(null), request.queryId("contactId").orElse(null),
                request.query("q").orElse(null));
        request.ok(conversations.list(caller.tenantId(), filter, request.cursor(), request.limit()));
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        request.ok(conversations.find(caller.tenantId(), id).orElseThrow(() -> notFound(id)));
    }

    public void create(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        JsonNode body = request.json("conversation-create");
        UUID assignee = uuid(body, "assigneeId");
        requireUser(caller, assignee);
        try {
            ConversationService.Changed created = conversations.create(caller.tenantId(), uuid(body, "contactId"),
                    uuid(body, "channelId"), ApiRequest.text(body, "subject"), assignee, labels(body),
                    ApiRequest.text(body, "priority"), request.correlationId());
            publisher.publish(created.events());
            request.created(created.conversation());
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No contact and channel of this tenant that can talk to each other: "
                    + e.getMessage());
        }
    }

    public void update(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        JsonNode body = request.json("conversation-update");
        UUID assignee = uuid(body, "assigneeId");
        requireUser(caller, assignee);
        String snoozedUntil = ApiRequest.text(body, "snoozedUntil");
        ConversationChange change = new ConversationChange(ApiRequest.text(body, "status"), body.has("assigneeId"),
                assignee, body.has("labels") ? labels(body) : null, ApiRequest.text(body, "priority"),
                body.has("snoozedUntil"), snoozedUntil == null ? null : Instant.parse(snoozedUntil),
                body.has("subject"), ApiRequest.text(body, "subject"));
        ConversationService.Changed changed = conversations.update(caller.tenantId(), id, change,
                request.correlationId()).orElseThrow(() -> notFound(id));
        publisher.publish(changed.events());
        request.ok(changed.conversation());
    }

    /**
     * Announces the caller's typing in a widget conversation to the visitor's widget: a live signal on
     * conversation.events, stored nowhere. The other channels have no typing indicator to show it on.
     */
    public void typing(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        boolean typing = request.json("conversation-typing").get("typing").asBoolean();
        ConversationView conversation = conversations.find(caller.tenantId(), id).orElseThrow(() -> notFound(id));
        Channel channel = Channel.fromWireName(conversation.channel());
        if (channel == Channel.WIDGET) {
            publisher.publish(List.of(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofTyping(
                    UUID.randomUUID(), caller.tenantId(), request.correlationId(), id, conversation.contactId(),
                    channel, conversation.channelId(), typing))));
        }
        request.noContent();
    }

    public void delete(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        if (!conversations.delete(caller.tenantId(), id)) {
            throw notFound(id);
        }
        request.noContent();
    }

    private void requireUser(Caller caller, UUID userId) {
        if (userId != null && !conversations.isUserOf(caller.tenantId(), userId)) {
            throw ProblemException.notFound("No user " + userId);
        }
    }

    static UUID uuid(JsonNode body, String field) {
        String value = ApiRequest.text(body, field);
        return value == null ? null : UUID.fromString(value);
    }

    private static List<String> labels(JsonNode body) {
        List<String> labels = new ArrayList<>();
        if (body.has("labels")) {
            body.get("labels").forEach(label -> labels.add(label.asText()));
        }
        return labels;
    }

    private static String oneOf(String field, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw ProblemException.badRequest("Unknown " + field + " " + value,
                    List.of(new Problem.FieldError("/" + field, "must be one of " + allowed)));
        }
        return value;
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No conversation " + id);
    }
}
