package com.custarea.routes.email;

/** An SNS request that is not what SNS sends, or that SNS did not sign: refused before anything is read from it. */
public class InvalidSnsMessageException extends RuntimeException {

    public InvalidSnsMessageException(String message) {
        super(message);
    }

    public InvalidSnsMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
