package com.custarea.app.demo;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** POST /demo/callbacks receives API channels' callbacks; GET lists them; GET /demo/sandbox shows the sandbox. */
@Component
@ConditionalOnProperty(name = "custarea.demo.enabled", havingValue = "true")
public class DemoCallbackSinkRoute extends RouteBuilder {

    public static final String PATH = "/demo/callbacks";

    private final DemoCallbackSink sink;

    public DemoCallbackSinkRoute(DemoCallbackSink sink) {
        this.sink = sink;
    }

    @Override
    public void configure() {
        rest(PATH)
                .post().description("The demo tenant's system: receives signed callbacks").to("direct:demo-callback-receive")
                .get().description("The callbacks the demo sink received, newest first").to("direct:demo-callback-list");
        rest("/demo/sandbox")
                .get().description("Mail the sandbox recorded instead of sending (sign-in codes too); ?to= narrows")
                .to("direct:demo-sandbox-outbox");

        from("direct:demo-callback-receive")
                .routeId("demo-callback-receive")
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .bean(sink, "receive");
        from("direct:demo-callback-list")
                .routeId("demo-callback-list")
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .bean(sink, "list");
        from("direct:demo-sandbox-outbox")
                .routeId("demo-sandbox-outbox")
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .bean(sink, "outbox");
    }
}
