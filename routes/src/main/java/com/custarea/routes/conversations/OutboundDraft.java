package com.custarea.routes.conversations;

import java.util.UUID;

/**
 * A reply to store as a queued outbound message.
 *
 * @param id            our id of the reply: derive it from its cause so a redelivered cause repeats it
 * @param senderType    agent, ai or system
 * @param sourceEventId the event that caused the reply, if any
 */
public record OutboundDraft(UUID id, UUID tenantId, UUID conversationId, String senderType, String text,
                            String correlationId, UUID sourceEventId) {
}
