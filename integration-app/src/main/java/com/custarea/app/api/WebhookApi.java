package com.custarea.app.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.custarea.app.security.Caller;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.webhooks.WebhookDeliveries;
import com.custarea.routes.webhooks.WebhookSubscriptions;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The handlers of /api/webhook-subscriptions: tenants' outbound webhooks, their delivery log and replays (admins). */
@Component
public class WebhookApi {

    private static final Set<String> DELIVERY_STATUSES = Set.of("pending", "delivered", "dead");

    private final WebhookSubscriptions subscriptions;
    private final WebhookDeliveries deliveries;

    public WebhookApi(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
    }

    public void list(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        request.ok(Map.of("items", subscriptions.list(request.admin().tenantId())));
    }

    public void create(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        JsonNode body = request.json("webhook-subscription-create");
        request.created(subscriptions.create(caller.tenantId(), ApiRequest.text(body, "url"),
                ApiRequest.texts(body, "eventTypes"), ApiRequest.text(body, "description")));
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        request.ok(subscriptions.find(caller.tenantId(), id).orElseThrow(() -> notFound(id)));
    }

    public void update(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        JsonNode body = request.json("webhook-subscription-update");
        request.ok(subscriptions.update(caller.tenantId(), id, ApiRequest.text(body, "url"),
                ApiRequest.texts(body, "eventTypes"), body.has("description"), ApiRequest.text(body, "description"),
                body.has("enabled") ? body.get("enabled").asBoolean() : null).orElseThrow(() -> notFound(id)));
    }

    public void delete(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        if (!subscriptions.delete(caller.tenantId(), id)) {
            throw notFound(id);
        }
        request.noContent();
    }

    public void deliveries(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        subscriptions.find(caller.tenantId(), id).orElseThrow(() -> notFound(id));
        String status = request.query("status").orElse(null);
        if (status != null && !DELIVERY_STATUSES.contains(status)) {
            throw ProblemException.badRequest("Unknown status " + status, List.of(
                    new Problem.FieldError("/status", "must be one of "
                            + DELIVERY_STATUSES)));
        }
        request.ok(deliveries.list(caller.tenantId(), id, status, request.cursor(), request.limit()));
    }

    public void replay(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        subscriptions.find(caller.tenantId(), id).orElseThrow(() -> notFound(id));
        List<String> ids = request.optionalJson("webhook-replay").map(body -> ApiRequest.texts(body, "deliveryIds"))
                .orElse(null);
        int queued = deliveries.replay(caller.tenantId(), id,
                ids == null ? List.of() : ids.stream().map(UUID::fromString).toList());
        request.accepted(Map.of("queued", queued));
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No webhook subscription " + id);
    }
}
