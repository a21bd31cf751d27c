package com.custarea.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A customer's message as it arrived on any channel, mapped to one canonical shape by the channel's inbound route.
 *
 * @param channelId         the tenant's configured channel it arrived on
 * @param providerMessageId the provider's id for the message (Twilio MessageSid, e-mail Message-ID, the API client's
 *                          id): unique per channel, it makes a redelivery or a provider retry a no-op
 * @param sender            who wrote, before normalisation
 * @param otherIdentifiers  further identifiers the message proves for the sender (attached to the same contact)
 * @param threadReferences  the provider's references to earlier messages, most specific first (In-Reply-To, then
 *                          References): a match threads the message into that conversation
 * @param providerThreadId  the provider's own thread id (Gmail threadId), when it has one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InboundMessage(
        UUID eventId,
        UUID tenantId,
        Instant occurredAt,
        int schemaVersion,
        String correlationId,
        Channel channel,
        UUID channelId,
        String providerMessageId,
        ContactIdentifier sender,
        String senderName,
        List<ContactIdentifier> otherIdentifiers,
        String subject,
        String text,
        String html,
        List<Attachment> attachments,
        List<String> threadReferences,
        String providerThreadId,
        Instant receivedAt,
        Map<String, String> metadata) implements EventEnvelope {

    public static final int SCHEMA_VERSION = 1;
    /**
     * Metadata: the message was sent by a machine ({@code auto-reply}, {@code bulk}); the AI agent does not answer
     * it and the conversation's team sees it as it is.
     */
    public static final String AUTOMATED = "automated";
    /** Metadata: the text without quoted history (an e-mail's earlier messages): what the AI agent reads. */
    public static final String REPLY_TEXT = "replyText";

    public InboundMessage {
        otherIdentifiers = otherIdentifiers == null ? List.of() : List.copyOf(otherIdentifiers);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        threadReferences = threadReferences == null ? List.of() : List.copyOf(threadReferences);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Whether a machine sent this message (an auto-reply, a mailing), so that no agent answers it automatically. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean automated() {
        return metadata.containsKey(AUTOMATED);
    }

    /** The text the AI agent answers: without quoted history when the channel told it apart. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String textForAgent() {
        return textForAgent(text, metadata.get(REPLY_TEXT));
    }

    /** The text the AI agent answers of a message with this text and this {@link #REPLY_TEXT}, which may be null. */
    public static String textForAgent(String text, String replyText) {
        return replyText == null || replyText.isBlank() ? text : replyText;
    }
}
