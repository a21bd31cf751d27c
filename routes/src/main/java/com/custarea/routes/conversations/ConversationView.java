package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A conversation as the dashboard shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversationView(UUID id, UUID contactId, String contactName, UUID channelId, String channel,
                               String status, String subject, UUID assigneeId, String priority, List<String> labels,
                               Instant snoozedUntil, Instant lastMessageAt, Instant createdAt) {
}
