package com.custarea.routes.api;

import java.time.Instant;

import com.custarea.routes.support.KafkaRecords;
import com.custarea.routes.support.RecordTracing;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.Topics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Turns a POST to the API channel's messages endpoint into the inbound.messages record: verified, validated and
 * mapped; the body becomes the record's JSON and the headers only its key and correlation id (no HTTP header from
 * outside reaches Kafka).
 */
@Component
public class ApiChannelMessageReceiver implements Processor {

    static final String SCHEMA = "api-channel-message";

    private final ApiChannelRequestReader reader;
    private final ApiChannelMessageMapper mapper;
    private final RecordTracing tracing;

    public ApiChannelMessageReceiver(ApiChannelRequestReader reader, ApiChannelMessageMapper mapper,
            RecordTracing tracing) {
        this.reader = reader;
        this.mapper = mapper;
        this.tracing = tracing;
    }

    @Override
    public void process(Exchange exchange) {
        VerifiedRequest request = reader.read(exchange, SCHEMA);
        InboundMessage inbound = mapper.toInboundMessage(request, Instant.now());
        KafkaRecords.become(exchange.getMessage(), Topics.INBOUND_MESSAGES, inbound);
        tracing.stampCurrent(exchange.getMessage());
        exchange.setProperty(AcceptedRecord.PROPERTY, new AcceptedRecord("accepted", inbound.eventId(),
                inbound.providerMessageId(), inbound.correlationId()));
    }
}
