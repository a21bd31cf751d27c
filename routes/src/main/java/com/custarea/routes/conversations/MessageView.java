package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** A message as the dashboard shows it; attachments are references (URLs), as stored. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageView(UUID id, UUID conversationId, String direction, String senderType, UUID authorId,
                          String subject, String text, @JsonRawValue String attachments,
                          @JsonProperty("private") boolean privateNote, String status, String errorCode,
                          String errorMessage, Instant createdAt, Instant statusUpdatedAt) {
}
