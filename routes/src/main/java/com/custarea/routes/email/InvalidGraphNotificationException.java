package com.custarea.routes.email;

/** A Microsoft Graph notification body that is not what Graph sends: refused before anything is read from it. */
public class InvalidGraphNotificationException extends RuntimeException {

    public InvalidGraphNotificationException(String message) {
        super(message);
    }

    public InvalidGraphNotificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
