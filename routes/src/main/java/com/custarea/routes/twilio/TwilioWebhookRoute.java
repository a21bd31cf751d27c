package com.custarea.routes.twilio;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import com.custarea.routes.support.HttpResponses;
import com.custarea.routes.support.KafkaEndpoints;
import com.custarea.schemas.Channel;
import com.custarea.schemas.Topics;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * POST /api/webhooks/twilio/whatsapp and /sms ▶ verify, map, keep media ▶ inbound.messages ▶ empty TwiML. The
 * acknowledgement comes only once Kafka has the record, so a message Twilio saw accepted is never lost.
 */
@Component
public class TwilioWebhookRoute extends RouteBuilder {

    public static final String WHATSAPP_ROUTE_ID = "twilio-whatsapp-inbound";
    public static final String SMS_ROUTE_ID = "twilio-sms-inbound";
    /** The empty TwiML answer: nothing for Twilio to do, the reply comes later through the API. */
    static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    private final TwilioMessageReceiver receiver;

    public TwilioWebhookRoute(TwilioMessageReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void configure() {
        inbound(WHATSAPP_ROUTE_ID, TwilioWebhookPaths.WHATSAPP, Channel.WHATSAPP);
        inbound(SMS_ROUTE_ID, TwilioWebhookPaths.SMS, Channel.SMS);
    }

    private void inbound(String routeId, String path, Channel type) {
        // the raw form body is kept (populateBodyWithForm=false): the signature is over the parameters as sent
        from("platform-http:" + path + "?httpMethodRestrict=POST&populateBodyWithForm=false")
                .routeId(routeId)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(exchange -> receiver.receive(exchange, type))
                .to(KafkaEndpoints.producer(Topics.INBOUND_MESSAGES))
                .process(exchange -> HttpResponses.text(exchange, 200, "text/xml", EMPTY_TWIML));
    }
}
