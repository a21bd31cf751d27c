package com.custarea.routes.email;

import java.time.Duration;
import java.util.Optional;

import com.custarea.routes.support.TransientFailure;

/**
 * An e-mail provider (its token endpoint, the Gmail API, Microsoft Graph, SES) is busy or down (HTTP 429, 5xx or a
 * network failure): a {@link TransientFailure}, so the send is retried or parked, never sooner than
 * {@link #retryAfter()} when the provider said when to come back.
 */
public class EmailProviderUnavailableException extends TransientFailure {

    public EmailProviderUnavailableException(String message, Optional<Duration> retryAfter) {
        this(message, retryAfter, null);
    }

    public EmailProviderUnavailableException(String message, Optional<Duration> retryAfter, Throwable cause) {
        super(message, retryAfter.orElse(null), cause);
    }
}
