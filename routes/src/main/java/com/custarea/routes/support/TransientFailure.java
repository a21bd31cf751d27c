package com.custarea.routes.support;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure worth retrying: the provider or a dependency is busy or down (HTTP 429, 5xx, a timeout). When the other
 * side said when to come back (Retry-After), {@link #retryAfter()} holds it and no retry comes sooner.
 */
public class TransientFailure extends RuntimeException {

    private final transient Duration retryAfter;

    public TransientFailure(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public TransientFailure(String message, Duration retryAfter) {
        this(message, retryAfter, null);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
