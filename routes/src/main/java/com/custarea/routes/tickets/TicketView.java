package com.custarea.routes.tickets;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A ticket: a piece of work about a contact or a conversation, with its own status and assignee. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TicketView(UUID id, String subject, String description, String status, String priority,
                         UUID conversationId, UUID contactId, UUID assigneeId, Instant createdAt, Instant updatedAt) {
}
