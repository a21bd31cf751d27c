package com.custarea.app.ops;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** GET /api/ops/lag ▶ consumer lag per group, topic and partition. */
@Component
public class OpsRoute extends RouteBuilder {

    public static final String ROUTE_ID = "ops-lag";

    private final LagReport lagReport;

    public OpsRoute(LagReport lagReport) {
        this.lagReport = lagReport;
    }

    @Override
    public void configure() {
        rest("/api/ops")
                .get("/lag")
                .description("Consumer lag per consumer group, topic and partition")
                .produces("application/json")
                .to("direct:" + ROUTE_ID);

        from("direct:" + ROUTE_ID)
                .routeId(ROUTE_ID)
                .routeConfigurationId(com.custarea.routes.support.HttpEdgeErrorHandling.ID)
                .process(lagReport);
    }
}
