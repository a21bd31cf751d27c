package com.custarea.routes.support;

/**
 * A failure that retrying cannot fix (the provider refused the request for good: an invalid recipient, a rejected
 * payload). {@link #code()} is the provider's error code when it gave one.
 */
public class PermanentFailure extends RuntimeException {

    private final String code;

    public PermanentFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
