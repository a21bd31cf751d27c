package com.custarea.routes.email;

/** A Pub/Sub push body that is not the envelope of a Gmail notification: refused before anything is read from it. */
public class InvalidPushException extends RuntimeException {

    public InvalidPushException(String message) {
        super(message);
    }

    public InvalidPushException(String message, Throwable cause) {
        super(message, cause);
    }
}
