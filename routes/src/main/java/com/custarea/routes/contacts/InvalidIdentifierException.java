package com.custarea.routes.contacts;

/** An identifier that cannot be normalised: a phone number that is not one, an e-mail address without a domain. */
public class InvalidIdentifierException extends IllegalArgumentException {

    public InvalidIdentifierException(String message) {
        super(message);
    }
}
