package com.custarea.routes.twilio;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import com.custarea.routes.support.HttpResponses;
import com.custarea.routes.support.KafkaEndpoints;
import com.custarea.schemas.Topics;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** POST /api/webhooks/twilio/status ▶ verify ▶ delivery.status (final states only) ▶ empty TwiML. */
@Component
public class TwilioStatusRoute extends RouteBuilder {

    public static final String ROUTE_ID = "twilio-status";

    private final TwilioStatusReceiver receiver;

    public TwilioStatusRoute(TwilioStatusReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void configure() {
        from("platform-http:" + TwilioWebhookPaths.STATUS + "?httpMethodRestrict=POST&populateBodyWithForm=false")
                .routeId(ROUTE_ID)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(receiver::receive)
                .filter(exchangeProperty(TwilioStatusReceiver.HAS_RECORD).isEqualTo(true))
                    .to(KafkaEndpoints.producer(Topics.DELIVERY_STATUS))
                .end()
                .process(exchange -> HttpResponses.text(exchange, 200, "text/xml",
                        TwilioWebhookRoute.EMPTY_TWIML));
    }
}
