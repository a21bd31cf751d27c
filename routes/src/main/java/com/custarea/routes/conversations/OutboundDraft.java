package com.custarea.routes.conversations;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.schemas.Attachment;

/**
 * A reply to store on a conversation: queued and sent, or, as a private note, stored and never sent.
 *
 * @param id            our id of the reply: derive it from its cause so a redelivered cause repeats it
 * @param senderType    agent, ai or system
 * @param authorId      the agent who wrote it, if a person did
 * @param attachments   files by reference
 * @param privateNote   a note for the team: stored and announced, never sent to the contact
 * @param sourceEventId the event that caused the reply, if any
 * @param metadata      provider options carried to the outbound route (a WhatsApp template)
 */
public record OutboundDraft(UUID id, UUID tenantId, UUID conversationId, String senderType, UUID authorId,
                            String text, List<Attachment> attachments, boolean privateNote, String correlationId,
                            UUID sourceEventId, Map<String, String> metadata) {

    public OutboundDraft {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A reply with no author, attachments or privacy: the AI agent's or a workflow's. */
    public static OutboundDraft automated(UUID id, UUID tenantId, UUID conversationId, String senderType, String text,
                                          String correlationId, UUID sourceEventId) {
        return new OutboundDraft(id, tenantId, conversationId, senderType, null, text, List.of(), false,
                correlationId, sourceEventId, Map.of());
    }
}
