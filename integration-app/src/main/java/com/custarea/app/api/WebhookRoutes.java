package com.custarea.app.api;

import com.custarea.routes.support.Problem;
import com.custarea.routes.webhooks.WebhookSubscriptionView;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** /api/webhook-subscriptions: outbound webhooks to tenants' own systems. */
@Component
public class WebhookRoutes extends DashboardApiRoutes {

    private final WebhookApi api;

    public WebhookRoutes(WebhookApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/webhook-subscriptions").tag("Webhooks").security(OpenApiRoutes.BEARER)
                .get().id("webhooks-list").produces("application/json")
                    .description("The tenant's webhook subscriptions (admins)").to(handler("webhooks-list"))
                .post().id("webhooks-create").consumes("application/json").produces("application/json")
                    .description("Subscribe a URL to event types; the answer shows the signing secret once. URLs on "
                            + "loopback or private networks are refused unless an administrator allows them")
                    .type(RequestBodies.CreateWebhookSubscription.class).outType(WebhookSubscriptionView.class)
                    .responseMessage().code(400).message("Invalid URL or event type").responseModel(Problem.class)
                    .endResponseMessage()
                    .to(handler("webhooks-create"))
                .get("/{id}").id("webhooks-get").produces("application/json").description("One subscription")
                    .outType(WebhookSubscriptionView.class).to(handler("webhooks-get"))
                .patch("/{id}").id("webhooks-update").consumes("application/json").produces("application/json")
                    .description("Change the URL, event types, description, or enable and disable")
                    .type(RequestBodies.UpdateWebhookSubscription.class).outType(WebhookSubscriptionView.class)
                    .to(handler("webhooks-update"))
                .delete("/{id}").id("webhooks-delete").description("Delete a subscription and its delivery log")
                    .responseMessage().code(409).message("A workflow's send_webhook action uses it")
                    .responseModel(Problem.class).endResponseMessage()
                    .to(handler("webhooks-delete"))
                .get("/{id}/deliveries").id("webhooks-deliveries").produces("application/json")
                    .description("The delivery log: each delivery with its status and every attempt (status code, "
                            + "latency), newest first")
                    .param().name("status").type(RestParamType.query).required(false)
                        .description("pending, delivered or dead").endParam()
                    .param().name("cursor").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .to(handler("webhooks-deliveries"))
                .post("/{id}/replay").id("webhooks-replay").consumes("application/json").produces("application/json")
                    .description("Queue dead deliveries again (all, or the ids given); delivered ones are never "
                            + "sent again")
                    .type(RequestBodies.ReplayWebhooks.class).to(handler("webhooks-replay"));

        handle("webhooks-list", api::list);
        handle("webhooks-create", api::create);
        handle("webhooks-get", api::get);
        handle("webhooks-update", api::update);
        handle("webhooks-delete", api::delete);
        handle("webhooks-deliveries", api::deliveries);
        handle("webhooks-replay", api::replay);
    }
}
