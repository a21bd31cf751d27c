package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A change to a conversation: null fields stay as they are; the *Set flags tell "set to null" from "leave alone"
 * for the fields that may be cleared.
 */
public record ConversationChange(String status, boolean assigneeSet, UUID assigneeId, List<String> labels,
                                 String priority, boolean snoozeSet, Instant snoozedUntil, boolean subjectSet,
                                 String subject) {
}
