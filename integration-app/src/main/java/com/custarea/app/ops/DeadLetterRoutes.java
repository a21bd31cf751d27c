package com.custarea.app.ops;

import com.custarea.app.api.DashboardApiRoutes;
import com.custarea.app.api.OpenApiRoutes;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** /api/ops/dlq: dead letters per topic, their records with errors and headers, and replay (admins). */
@Component
public class DeadLetterRoutes extends DashboardApiRoutes {

    private final DeadLetterApi api;

    public DeadLetterRoutes(DeadLetterApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/ops/dlq").tag("Ops").security(OpenApiRoutes.BEARER)
                .get().id("dlq-summary").produces("application/json")
                    .description("Per pipeline topic: how many of the tenant's records were dead-lettered, and how "
                            + "many of those were replayed").to(handler("dlq-summary"))
                .get("/{topic}").id("dlq-records").produces("application/json")
                    .description("The tenant's dead letters of a topic, oldest first, with their error headers")
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .to(handler("dlq-records"))
                .post("/{topic}/replay").id("dlq-replay").consumes("application/json").produces("application/json")
                    .description("Publish dead letters back to their topic (all, or {\"records\": [{\"partition\", "
                            + "\"offset\"}]}); each is published once however often it is replayed")
                    .to(handler("dlq-replay"));

        handle("dlq-summary", api::summary);
        handle("dlq-records", api::records);
        handle("dlq-replay", api::replay);
    }
}
