package com.custarea.routes.api;

import java.time.Instant;
import java.util.UUID;

import com.custarea.routes.conversations.MessageStore;
import com.custarea.routes.support.KafkaRecords;
import com.custarea.routes.support.RecordTracing;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.DeliveryStatus;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Turns a delivery report from a tenant's system (delivered, read, failed) into a delivery.status record, after
 * checking that the message is one this channel sent for the channel's own tenant.
 */
@Component
public class ApiChannelStatusReceiver implements Processor {

    static final String SCHEMA = "api-channel-status";

    private final ApiChannelRequestReader reader;
    private final MessageStore messages;
    private final RecordTracing tracing;

    public ApiChannelStatusReceiver(ApiChannelRequestReader reader, MessageStore messages,
            RecordTracing tracing) {
        this.reader = reader;
        this.messages = messages;
        this.tracing = tracing;
    }

    @Override
    public void process(Exchange exchange) {
        VerifiedRequest request = reader.read(exchange, SCHEMA);
        JsonNode body = request.body();
        UUID messageId = UUID.fromString(body.get("messageId").asText());
        if (!messages.isOutboundOf(request.channel().tenantId(), request.channel().id(), messageId)) {
            throw ProblemException.notFound("This channel sent no message " + messageId);
        }
        DeliveryStatus status = new DeliveryStatus(UUID.randomUUID(), request.channel().tenantId(), Instant.now(),
                DeliveryStatus.SCHEMA_VERSION, request.correlationId(), messageId, request.channel().type(),
                MessageStatus.fromWireName(body.get("status").asText()), null,
                body.hasNonNull("errorCode") ? body.get("errorCode").asText() : null,
                body.hasNonNull("errorMessage") ? body.get("errorMessage").asText() : null);
        KafkaRecords.become(exchange.getMessage(), Topics.DELIVERY_STATUS, status);
        tracing.stampCurrent(exchange.getMessage());
        exchange.setProperty(AcceptedRecord.PROPERTY, new AcceptedRecord("accepted", status.eventId(),
                messageId.toString(), status.correlationId()));
    }
}
