package com.custarea.routes.support;

import java.time.Instant;

import com.custarea.schemas.DeliveryStatus;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.Topics;

/** The delivery.status record an outbound stage publishes once a send's outcome is recorded. */
public final class DeliveryReports {

    private DeliveryReports() {
    }

    /** Sent (with the provider's id) or failed (with its code), under an id a redelivery reproduces. */
    public static OutgoingRecord of(OutboundMessage message, SendOutcome outcome) {
        MessageStatus status = outcome.result() == SendOutcome.Result.SENT ? MessageStatus.SENT : MessageStatus.FAILED;
        return OutgoingRecord.of(Topics.DELIVERY_STATUS, new DeliveryStatus(
                DeterministicIds.of("delivery." + status.wireName(), message.messageId()), message.tenantId(),
                Instant.now(), DeliveryStatus.SCHEMA_VERSION, message.correlationId(), message.messageId(),
                message.channel(), status, outcome.providerMessageId(), outcome.errorCode(), outcome.error()));
    }
}
