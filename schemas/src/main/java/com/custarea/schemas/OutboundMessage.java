package com.custarea.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A message to send to a contact through a channel: an agent's reply, the AI agent's answer or a workflow's message.
 * Its row already exists (status queued) when it is published. System mail (a sign-in code) has no conversation,
 * contact, channel or row.
 *
 * @param messageId  our id of the message: the send ledger's key, so a redelivery never sends twice
 * @param recipient  where the provider delivers it
 * @param inReplyTo  the provider message id this answers (threading for e-mail), when there is one
 * @param references earlier provider message ids of the thread, oldest first
 * @param senderType who wrote it: agent, ai or system
 * @param metadata   free key-values; {@code kind=system} marks system mail
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutboundMessage(
        UUID eventId,
        UUID tenantId,
        Instant occurredAt,
        int schemaVersion,
        String correlationId,
        UUID messageId,
        UUID conversationId,
        UUID contactId,
        Channel channel,
        UUID channelId,
        ContactIdentifier recipient,
        String senderType,
        String subject,
        String text,
        String html,
        List<Attachment> attachments,
        String inReplyTo,
        List<String> references,
        Map<String, String> metadata) implements EventEnvelope {

    public static final int SCHEMA_VERSION = 1;
    /** The metadata key that says what kind of message this is. */
    public static final String KIND = "kind";
    /** {@link #KIND} of mail that belongs to no conversation (sign-in codes, invitations). */
    public static final String SYSTEM = "system";

    /** Whether this is system mail rather than a message of a conversation. */
    @JsonIgnore
    public boolean isSystem() {
        return SYSTEM.equals(metadata.get(KIND));
    }

    public OutboundMessage {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        references = references == null ? List.of() : List.copyOf(references);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
