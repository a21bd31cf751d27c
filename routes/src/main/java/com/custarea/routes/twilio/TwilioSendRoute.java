package com.custarea.routes.twilio;

import com.custarea.routes.support.ProviderCallErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * One message to Twilio's Messages API through camel-twilio; the caller puts the creator's arguments in
 * {@code CamelTwilio.*} headers, its channel's REST client among them. Failures worth retrying are retried by
 * {@link ProviderCallErrorHandling}; what is left goes back to the caller.
 */
@Component
public class TwilioSendRoute extends RouteBuilder {

    public static final String ROUTE_ID = "twilio-send";
    public static final String ENDPOINT = "direct:" + ROUTE_ID;

    /** Header prefix of camel-twilio's method arguments and creator properties. */
    static final String PREFIX = "CamelTwilio.";
    /** Header: the {@code TwilioRestClient} of the message's channel. */
    public static final String CLIENT_HEADER = PREFIX + "client";
    static final String TO = PREFIX + "to";
    static final String FROM = PREFIX + "from";
    static final String MESSAGING_SERVICE_SID = PREFIX + "messagingServiceSid";
    static final String BODY = PREFIX + "body";
    static final String MEDIA_URL = PREFIX + "mediaUrl";
    static final String STATUS_CALLBACK = PREFIX + "statusCallback";
    static final String CONTENT_SID = PREFIX + "contentSid";
    static final String CONTENT_VARIABLES = PREFIX + "contentVariables";

    @Override
    public void configure() {
        from(ENDPOINT)
                .routeId(ROUTE_ID)
                .routeConfigurationId(ProviderCallErrorHandling.ID)
                .to("twilio:message/creator");
    }
}
