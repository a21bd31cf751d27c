package com.custarea.routes.email;

import com.custarea.routes.support.PermanentFailure;

/**
 * A mail provider refused a request for good (HTTP 4xx other than 401 and throttling), with its own error code in
 * {@link #code()} (Gmail's reason, Graph's error code): retrying cannot help, so the send is marked failed.
 */
public class EmailProviderRefusedException extends PermanentFailure {

    private final int status;

    public EmailProviderRefusedException(int status, String code, String message) {
        super(code, message);
        this.status = status;
    }

    /** The HTTP status the provider answered with. */
    public int status() {
        return status;
    }
}
