package com.custarea.app.leads;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A lead: someone who may become a customer; converting it makes a contact. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadView(UUID id, String name, String email, String phone, String company, String status,
                       UUID contactId, Instant createdAt, Instant updatedAt) {
}
