package com.custarea.voice.calls;

/** The tenant has as many calls on the line as it may have at once. */
public class CallLimitException extends RuntimeException {

    public CallLimitException(String message) {
        super(message);
    }
}
