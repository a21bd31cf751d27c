package com.custarea.schemas;

import java.util.List;

/** A payload that is not JSON, or breaks its schema; {@link #violations()} name the fields. */
public class PayloadException extends RuntimeException {

    private final List<String> violations;

    public PayloadException(String message, Throwable cause) {
        super(message, cause);
        this.violations = List.of(message);
    }

    public PayloadException(String message, List<String> violations) {
        super(message + ": " + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    /** One line per problem, each starting with the JSON path of the field. */
    public List<String> violations() {
        return violations;
    }
}
