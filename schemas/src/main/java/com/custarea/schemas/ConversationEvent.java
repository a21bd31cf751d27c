package com.custarea.schemas;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Something that happened to a conversation, one of its messages, a contact or a ticket: the one ordered stream that
 * the dashboard's live updates, workflows and outbound webhooks follow.
 *
 * @param direction          inbound or outbound, for message events
 * @param preview            the start of the message text, for message.created
 * @param ticketId           the ticket, for ticket events
 * @param mergedContactId    the contact merged into {@code contactId}, for contact.merged
 * @param conversationStatus the conversation's status after the change, for conversation events
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversationEvent(
        UUID eventId,
        UUID tenantId,
        Instant occurredAt,
        int schemaVersion,
        String correlationId,
        ConversationEventType type,
        UUID conversationId,
        UUID contactId,
        Channel channel,
        UUID channelId,
        UUID messageId,
        String direction,
        MessageStatus status,
        String preview,
        UUID ticketId,
        UUID mergedContactId,
        String conversationStatus) implements EventEnvelope {

    public static final int SCHEMA_VERSION = 1;

    /** A conversation or message event. */
    public ConversationEvent(UUID eventId, UUID tenantId, Instant occurredAt, int schemaVersion, String correlationId,
                             ConversationEventType type, UUID conversationId, UUID contactId, Channel channel,
                             UUID channelId, UUID messageId, String direction, MessageStatus status, String preview) {
        this(eventId, tenantId, occurredAt, schemaVersion, correlationId, type, conversationId, contactId, channel,
                channelId, messageId, direction, status, preview, null, null, null);
    }

    /** A contact event: created, updated, or merged ({@code mergedContactId} into {@code contactId}). */
    public static ConversationEvent ofContact(UUID eventId, UUID tenantId, String correlationId,
                                              ConversationEventType type, UUID contactId, UUID mergedContactId) {
        return new ConversationEvent(eventId, tenantId, Instant.now(), SCHEMA_VERSION, correlationId, type, null,
                contactId, null, null, null, null, null, null, null, mergedContactId, null);
    }

    /** A ticket event, with the ticket's conversation and contact when it has them. */
    public static ConversationEvent ofTicket(UUID eventId, UUID tenantId, String correlationId,
                                             ConversationEventType type, UUID ticketId, UUID conversationId,
                                             UUID contactId) {
        return new ConversationEvent(eventId, tenantId, Instant.now(), SCHEMA_VERSION, correlationId, type,
                conversationId, contactId, null, null, null, null, null, null, ticketId, null, null);
    }

    /** A typing signal on a conversation: on when {@code typing}, else off. */
    public static ConversationEvent ofTyping(UUID eventId, UUID tenantId, String correlationId, UUID conversationId,
                                             UUID contactId, Channel channel, UUID channelId, boolean typing) {
        return new ConversationEvent(eventId, tenantId, Instant.now(), SCHEMA_VERSION, correlationId,
                typing ? ConversationEventType.CONVERSATION_TYPING_ON : ConversationEventType.CONVERSATION_TYPING_OFF,
                conversationId, contactId, channel, channelId, null, null, null, null, null, null, null);
    }

    /** The id the topic is keyed by: the conversation's, else the contact's, else the ticket's. */
    public String subjectKey() {
        UUID subject = conversationId != null ? conversationId : contactId != null ? contactId : ticketId;
        return String.valueOf(subject);
    }
}
