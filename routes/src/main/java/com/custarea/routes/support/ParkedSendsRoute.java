package com.custarea.routes.support;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** Every poll interval: publish the parked outbound messages that are due back to their outbound topics. */
@Component
public class ParkedSendsRoute extends RouteBuilder {

    public static final String ROUTE_ID = "parked-sends";
    private static final int BATCH = 500;

    private final ParkedSends parked;

    public ParkedSendsRoute(ParkedSends parked) {
        this.parked = parked;
    }

    @Override
    public void configure() {
        from("timer:" + ROUTE_ID + "?period={{custarea.providers.park-poll-interval:1000}}&delay=2000")
                .routeId(ROUTE_ID)
                .process(exchange -> parked.releaseDue(BATCH));
    }
}
