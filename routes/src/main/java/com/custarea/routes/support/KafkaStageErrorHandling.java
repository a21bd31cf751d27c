package com.custarea.routes.support;

import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * The error handling of every Kafka-consuming stage, declared once. Transient failures (a database or broker that is
 * down or busy) are retried in place with exponential backoff; when they persist, the failure leaves the route, the
 * consumer reconnects from its last committed offset and the batch is tried again, so nothing is skipped while a
 * dependency is down. Poison records never get here: {@link BatchStageProcessor} dead-letters them.
 */
@Component
public class KafkaStageErrorHandling extends RouteConfigurationBuilder {

    /** The route configuration id stage routes select. */
    public static final String ID = "kafka-stage";

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                    .onWhen(exchange -> TransientFailures.isTransient(exchange.getException()))
                    .maximumRedeliveries(6)
                    .redeliveryDelay(250)
                    .useExponentialBackOff()
                    .backOffMultiplier(2)
                    .maximumRedeliveryDelay(10_000)
                    .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN)
                    .handled(false);
    }
}
