package com.custarea.routes.email;

import java.util.Locale;

/** A mailbox: its address (kept lower-case) and, when known, the display name that goes with it. */
public record EmailAddress(String address, String name) {

    public EmailAddress {
        address = address == null ? null : address.trim().toLowerCase(Locale.ROOT);
    }

    public static EmailAddress of(String address) {
        return new EmailAddress(address, null);
    }
}
