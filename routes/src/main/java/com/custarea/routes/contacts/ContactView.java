package com.custarea.routes.contacts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.custarea.schemas.ContactIdentifier;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** A contact as the dashboard shows it, with every identifier that points at it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContactView(UUID id, String name, @JsonRawValue String attributes, List<ContactIdentifier> identifiers,
                          Instant createdAt, Instant updatedAt) {
}
