package com.custarea.routes.api;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import com.custarea.routes.support.KafkaEndpoints;
import com.custarea.schemas.Topics;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** POST /api/channels/api/{channelId}/messages ▶ verify, validate, map ▶ inbound.messages ▶ 202. */
@Component
public class ApiChannelInboundRoute extends RouteBuilder {

    public static final String ROUTE_ID = "api-channel-inbound";
    private static final String HANDLER = "direct:" + ROUTE_ID;

    private final ApiChannelMessageReceiver receiver;
    private final ApiChannelAcceptedResponder responder;

    public ApiChannelInboundRoute(ApiChannelMessageReceiver receiver, ApiChannelAcceptedResponder responder) {
        this.receiver = receiver;
        this.responder = responder;
    }

    @Override
    public void configure() {
        rest("/api/channels/api/{channelId}")
                .post("/messages")
                .description("A tenant's system posts a customer's message (signed with the channel's secret)")
                .to(HANDLER);

        from(HANDLER)
                .routeId(ROUTE_ID)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(receiver)
                .to(KafkaEndpoints.producer(Topics.INBOUND_MESSAGES))
                .process(responder);
    }
}
