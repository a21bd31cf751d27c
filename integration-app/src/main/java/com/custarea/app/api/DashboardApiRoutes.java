package com.custarea.app.api;

import com.custarea.routes.support.HttpEdgeErrorHandling;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;

/**
 * The base of the dashboard API's route builders: each operation is a REST verb (declared with its docs) handing
 * the request to one handler method, under the HTTP edge's error handling.
 */
public abstract class DashboardApiRoutes extends RouteBuilder {

    /** The endpoint a REST verb hands its request to. */
    protected static String handler(String operationId) {
        return "direct:" + operationId;
    }

    /** The route of one operation. */
    protected void handle(String operationId, Processor handler) {
        from(handler(operationId))
                .routeId(operationId)
                .routeConfigurationId(HttpEdgeErrorHandling.ID)
                .process(handler);
    }
}
