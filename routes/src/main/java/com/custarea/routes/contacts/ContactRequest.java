package com.custarea.routes.contacts;

import java.util.List;
import java.util.UUID;

import com.custarea.schemas.ContactIdentifier;

/** Who wrote a message, as contact resolution needs it: the tenant, the identifiers (primary first), the name. */
public record ContactRequest(UUID tenantId, List<ContactIdentifier> identifiers, String name) {

    public ContactRequest {
        identifiers = List.copyOf(identifiers);
    }
}
