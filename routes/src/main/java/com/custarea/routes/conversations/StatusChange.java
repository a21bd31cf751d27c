package com.custarea.routes.conversations;

import java.util.UUID;

import com.custarea.schemas.MessageStatus;

/** A message whose status moved forward, and the conversation it belongs to. */
public record StatusChange(UUID messageId, UUID conversationId, MessageStatus status) {
}
