package com.custarea.routes.support;

import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * The error handling of every HTTP consumer (webhooks, channel APIs), declared once: no retries (the caller
 * retries), and every failure becomes an RFC 9457 problem response.
 */
@Component
public class HttpEdgeErrorHandling extends RouteConfigurationBuilder {

    /** The route configuration id HTTP routes select. */
    public static final String ID = "http-edge";

    private final ProblemResponder problemResponder;

    public HttpEdgeErrorHandling(ProblemResponder problemResponder) {
        this.problemResponder = problemResponder;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                    .handled(true)
                    .maximumRedeliveries(0)
                    .process(problemResponder);
    }
}
