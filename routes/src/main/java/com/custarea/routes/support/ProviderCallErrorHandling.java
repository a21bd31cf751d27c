package com.custarea.routes.support;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The error handling of every provider call, declared once: transient failures (connection errors, timeouts, HTTP
 * 408, 429 and 5xx) are retried with exponential backoff, never sooner than the provider's Retry-After; other
 * failures, and the last failed retry, go back to the caller, which records the outcome.
 */
@Component
public class ProviderCallErrorHandling extends RouteConfigurationBuilder {

    /** The route configuration id provider-call routes select. */
    public static final String ID = "provider-call";

    private final int maxRetries;
    private final long initialDelayMs;
    private final long maxDelayMs;
    private final Duration maxRetryAfter;

    /**
     * @param maxRetryAfter the longest Retry-After honoured in place; a provider asking for a longer pause ends the
     *                      attempt (the caller records it as retryable) instead of holding the stage that long
     */
    public ProviderCallErrorHandling(
            @Value("${custarea.providers.max-retries:4}") int maxRetries,
            @Value("${custarea.providers.initial-retry-delay:500ms}") Duration initialDelay,
            @Value("${custarea.providers.max-retry-delay:20s}") Duration maxDelay,
            @Value("${custarea.providers.max-retry-after:60s}") Duration maxRetryAfter) {
        this.maxRetries = maxRetries;
        this.initialDelayMs = initialDelay.toMillis();
        this.maxDelayMs = maxDelay.toMillis();
        this.maxRetryAfter = maxRetryAfter;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                    .onWhen(exchange -> isRetryableInPlace(exchange.getException()))
                    .maximumRedeliveries(maxRetries)
                    .onExceptionOccurred(new RetryDelay())
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .handled(false);
    }

    private boolean isRetryableInPlace(Throwable failure) {
        return isRetryable(failure)
                && retryAfter(failure).map(after -> after.compareTo(maxRetryAfter) <= 0).orElse(true);
    }

    /** Whether a provider call that failed with {@code failure} may succeed if tried again. */
    public static boolean isRetryable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpOperationFailedException http) {
                int status = http.getStatusCode();
                return status == 408 || status == 429 || status >= 500;
            }
            if (cause instanceof PermanentFailure) {
                return false;
            }
            if (cause instanceof IOException || TransientFailures.isTransient(cause)) {
                return true;
            }
        }
        return false;
    }

    /** The provider's Retry-After of {@code failure}, in seconds or as an HTTP date. */
    public static Optional<Duration> retryAfter(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TransientFailure transientFailure && transientFailure.retryAfter().isPresent()) {
                return transientFailure.retryAfter();
            }
            if (cause instanceof HttpOperationFailedException http && http.getResponseHeaders() != null) {
                String value = http.getResponseHeaders().entrySet().stream()
                        .filter(header -> header.getKey().equalsIgnoreCase("Retry-After"))
                        .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
                return parseRetryAfter(value);
            }
        }
        return Optional.empty();
    }

    /** A Retry-After header value, in seconds or as an HTTP date. */
    public static Optional<Duration> parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration until = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    /** Sets the delay before the next try: exponential backoff, but never before the provider's Retry-After. */
    private final class RetryDelay implements Processor {

        @Override
        public void process(Exchange exchange) {
            Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (failure == null) {
                failure = exchange.getException();
            }
            int attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
            long backoff = Math.min(maxDelayMs, initialDelayMs << Math.min(attempt, 20));
            long delay = retryAfter(failure).map(Duration::toMillis).map(after -> Math.max(after, backoff))
                    .orElse(backoff);
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, delay);
        }
    }
}
