package com.custarea.routes.email;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** POST /api/webhooks/gmail and /api/webhooks/microsoft ▶ verify ▶ read the mailbox in the background. */
@Component
public class MailboxWebhookRoute extends RouteBuilder {

    public static final String GMAIL_PATH = "/api/webhooks/gmail";
    public static final String GMAIL_ROUTE_ID = "gmail-push";
    public static final String MICROSOFT_ROUTE_ID = "microsoft-notifications";

    private final MailboxWebhooks webhooks;

    public MailboxWebhookRoute(MailboxWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public void configure() {
        from("platform-http:" + GMAIL_PATH + "?httpMethodRestrict=POST")
                .routeId(GMAIL_ROUTE_ID)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(webhooks::gmail);
        from("platform-http:" + MailboxWatches.GRAPH_NOTIFICATIONS_PATH + "?httpMethodRestrict=POST")
                .routeId(MICROSOFT_ROUTE_ID)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(webhooks::microsoft);
    }
}
