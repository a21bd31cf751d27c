package com.custarea.routes.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.schemas.Attachment;
import com.custarea.schemas.ContactIdentifier;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of the signed POST a tenant's system receives for every outbound message on its API channel.
 *
 * @param deliveryId the same as {@code messageId} and the X-CustArea-Delivery-Id header: stable across retries
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiCallback(
        String event,
        UUID deliveryId,
        UUID messageId,
        UUID conversationId,
        UUID contactId,
        ContactIdentifier recipient,
        String senderType,
        String text,
        List<Attachment> attachments,
        Map<String, String> metadata,
        Instant createdAt) {

    /** The event name of an outbound message. */
    public static final String MESSAGE_OUTBOUND = "message.outbound";
}
