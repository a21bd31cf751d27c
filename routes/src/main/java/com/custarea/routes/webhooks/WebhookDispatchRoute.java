package com.custarea.routes.webhooks;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** Every poll interval: send the webhook deliveries that are due, batch after batch while there are any. */
@Component
public class WebhookDispatchRoute extends RouteBuilder {

    public static final String ROUTE_ID = "webhook-dispatch";

    private final WebhookDispatcher dispatcher;

    public WebhookDispatchRoute(WebhookDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void configure() {
        from("timer:" + ROUTE_ID + "?period={{custarea.webhooks.poll-interval:1000}}&delay=2000")
                .routeId(ROUTE_ID)
                .process(exchange -> dispatcher.dispatchAllDue());
    }
}
