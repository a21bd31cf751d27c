package com.custarea.routes.conversations;

import java.util.UUID;

/** The conversation a message was threaded into, and whether threading created it. */
public record ThreadResult(UUID conversationId, boolean created) {
}
