package com.custarea.routes.support;

import java.time.Duration;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Turns the exception that ended an HTTP route into an RFC 9457 response: the problem the edge raised, 503 with
 * Retry-After when a dependency (Kafka) is unavailable, so the provider retries, else 500.
 */
@Component
public class ProblemResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);
    private static final Duration UNAVAILABLE_RETRY_AFTER = Duration.ofSeconds(5);

    @Override
    public void process(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String instance = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        if (instance == null) {
            instance = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        }
        if (failure instanceof ProblemException problem) {
            HttpResponses.problem(exchange, problem.toProblem(instance), problem.retryAfter());
        } else if (failure instanceof DataIntegrityViolationException) {
            // a concurrent request created the same thing, or an id of another tenant slipped past a check
            HttpResponses.problem(exchange, new Problem(Problem.TYPE_BASE + "conflict", "Conflict", 409,
                    "The request conflicts with the current state; nothing was changed", instance, List.of()), null);
        } else if (failure != null && TransientFailures.isTransient(failure)) {
            LOG.warn("Refusing {} with 503: {}", instance, failure.toString());
            HttpResponses.problem(exchange, new Problem(Problem.TYPE_BASE + "unavailable", "Service unavailable", 503,
                    "A dependency is unavailable; nothing was stored. Retry later.", instance, List.of()),
                    UNAVAILABLE_RETRY_AFTER);
        } else {
            LOG.error("Unexpected failure on {}", instance, failure);
            HttpResponses.problem(exchange, new Problem(Problem.TYPE_BASE + "internal-error", "Internal error", 500,
                    "The request could not be processed; nothing was stored.", instance, List.of()), null);
        }
    }
}
