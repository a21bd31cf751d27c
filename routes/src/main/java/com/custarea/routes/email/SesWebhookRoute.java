package com.custarea.routes.email;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** POST /api/webhooks/ses ▶ verify the SNS message ▶ confirm, or inbound.messages / delivery.status ▶ 200. */
@Component
public class SesWebhookRoute extends RouteBuilder {

    public static final String PATH = "/api/webhooks/ses";
    public static final String ROUTE_ID = "ses-inbound";

    private final SesWebhooks webhooks;

    public SesWebhookRoute(SesWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public void configure() {
        from("platform-http:" + PATH + "?httpMethodRestrict=POST")
                .routeId(ROUTE_ID)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(webhooks::receive);
    }
}
