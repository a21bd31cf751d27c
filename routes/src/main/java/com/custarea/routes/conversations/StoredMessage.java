package com.custarea.routes.conversations;

import java.util.UUID;

/**
 * A stored message as the pipeline needs to announce it again: its id, conversation and contact, and whether it
 * opened the conversation.
 */
public record StoredMessage(UUID id, UUID conversationId, UUID contactId, boolean firstOfConversation) {
}
