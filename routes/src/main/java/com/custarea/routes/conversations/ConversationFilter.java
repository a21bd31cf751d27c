package com.custarea.routes.conversations;

import java.util.UUID;

/**
 * What a conversation list is narrowed to; null fields do not narrow it.
 *
 * @param unassigned only conversations nobody is assigned to
 * @param text       words to find in the subject, the contact's name or any message
 */
public record ConversationFilter(String status, String channel, UUID assigneeId, boolean unassigned, String label,
                                 UUID contactId, String text) {
}
