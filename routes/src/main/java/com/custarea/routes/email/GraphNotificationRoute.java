package com.custarea.routes.email;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * POST /api/webhooks/microsoft ▶ Graph's validation handshake, or clientState checked ▶ read the mailbox in the
 * background ▶ 202.
 */
@Component
public class GraphNotificationRoute extends RouteBuilder {

    public static final String ROUTE_ID = "microsoft-notifications";

    private final MailboxWebhooks webhooks;

    public GraphNotificationRoute(MailboxWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public void configure() {
        from("platform-http:" + MailboxWatches.GRAPH_NOTIFICATIONS_PATH + "?httpMethodRestrict=POST")
                .routeId(ROUTE_ID)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(webhooks::microsoft);
    }
}
