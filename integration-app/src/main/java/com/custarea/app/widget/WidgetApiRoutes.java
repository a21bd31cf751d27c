package com.custarea.app.widget;

import com.custarea.app.api.DashboardApiRoutes;
import com.custarea.routes.support.Problem;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** /api/widget: the chat widget's public API (a session from an allowed page, then the visitor's bearer token). */
@Component
public class WidgetApiRoutes extends DashboardApiRoutes {

    private final WidgetApi api;

    public WidgetApiRoutes(WidgetApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/widget").tag("Widget")
                .post("/init").id("widget-init").consumes("application/json").produces("application/json")
                    .description("Start or resume a visitor's session from a page of an allowed domain (Origin); "
                            + "answers a visitor token and the widget's settings. A user id needs its identity "
                            + "hash; a widget that requires identity refuses visitors without one")
                    .param().name("key").type(RestParamType.query).required(false)
                        .description("the widget key again, for the CORS preflight").endParam()
                    .responseMessage().code(403).message("Origin or identity refused").responseModel(Problem.class)
                    .endResponseMessage()
                    .to(handler("widget-init"))
                .post("/message").id("widget-message").consumes("application/json").produces("application/json")
                    .description("A visitor's message (bearer: the visitor token) into the pipeline; the client's "
                            + "message id makes a resend the same message")
                    .to(handler("widget-message"))
                .get("/messages").id("widget-messages").produces("application/json")
                    .description("The visitor's history on this widget, oldest first (bearer: the visitor token)")
                    .param().name("conversationId").type(RestParamType.query).required(false).endParam()
                    .to(handler("widget-messages"))
                .post("/attributes").id("widget-attributes").consumes("application/json")
                    .produces("application/json")
                    .description("The site's custom attributes of the visitor (bearer: the visitor token), added to "
                            + "the visitor's contact")
                    .to(handler("widget-attributes"));

        handle("widget-init", api::init);
        handle("widget-message", api::message);
        handle("widget-messages", api::messages);
        handle("widget-attributes", api::attributes);
    }
}
