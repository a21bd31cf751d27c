package com.custarea.schemas;

import java.util.Objects;

/** One identifier of a contact: a phone number, an e-mail address, a visitor id or the tenant's own id. */
public record ContactIdentifier(IdentifierType type, String value) {

    public ContactIdentifier {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    public static ContactIdentifier of(IdentifierType type, String value) {
        return new ContactIdentifier(type, value);
    }
}
