package com.custarea.routes.support;

import java.time.Duration;
import java.util.Optional;

/**
 * One provider call's outcome, and the provider's Retry-After when it gave one.
 *
 * @param retryAfter how long the provider asked to wait, for a retryable outcome
 */
public record SendAttempt(SendOutcome outcome, Optional<Duration> retryAfter) {

    public static SendAttempt of(SendOutcome outcome) {
        return new SendAttempt(outcome, Optional.empty());
    }
}
