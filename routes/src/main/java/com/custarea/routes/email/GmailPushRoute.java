package com.custarea.routes.email;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** POST /api/webhooks/gmail ▶ verify Google's push token ▶ read the mailbox in the background ▶ 204. */
@Component
public class GmailPushRoute extends RouteBuilder {

    public static final String PATH = "/api/webhooks/gmail";
    public static final String ROUTE_ID = "gmail-push";

    private final MailboxWebhooks webhooks;

    public GmailPushRoute(MailboxWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public void configure() {
        from("platform-http:" + PATH + "?httpMethodRestrict=POST")
                .routeId(ROUTE_ID)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(webhooks::gmail);
    }
}
