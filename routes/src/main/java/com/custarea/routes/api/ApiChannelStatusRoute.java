package com.custarea.routes.api;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import com.custarea.routes.support.KafkaEndpoints;
import com.custarea.schemas.Topics;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** POST /api/channels/api/{channelId}/statuses ▶ verify, validate ▶ delivery.status ▶ 202. */
@Component
public class ApiChannelStatusRoute extends RouteBuilder {

    public static final String ROUTE_ID = "api-channel-status";
    private static final String HANDLER = "direct:" + ROUTE_ID;

    private final ApiChannelStatusReceiver receiver;
    private final ApiChannelAcceptedResponder responder;

    public ApiChannelStatusRoute(ApiChannelStatusReceiver receiver, ApiChannelAcceptedResponder responder) {
        this.receiver = receiver;
        this.responder = responder;
    }

    @Override
    public void configure() {
        rest("/api/channels/api/{channelId}")
                .post("/statuses")
                .description("A tenant's system reports that a message it received was delivered, read or failed")
                .to(HANDLER);

        from(HANDLER)
                .routeId(ROUTE_ID)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(receiver)
                .to(KafkaEndpoints.producer(Topics.DELIVERY_STATUS))
                .process(responder);
    }
}
