package com.custarea.schemas;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of identifier that point at a contact; a (tenant, type, normalised value) names one contact. */
public enum IdentifierType {
    /** A phone number, normalised to E.164; WhatsApp and SMS senders with the same number share it. */
    PHONE("phone"),
    /** An e-mail address, lower-cased. */
    EMAIL("email"),
    /** A website visitor id issued by the widget, as given. */
    VISITOR("visitor"),
    /** The tenant's own id for the person (API channel, verified widget identity), as given. */
    EXTERNAL("external");

    private final String wireName;

    IdentifierType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static IdentifierType fromWireName(String name) {
        return Arrays.stream(values())
                .filter(type -> type.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown identifier type: " + name));
    }
}
