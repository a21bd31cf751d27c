package com.custarea.routes.support;

import java.util.ArrayList;
import java.util.List;

import com.custarea.schemas.EventEnvelope;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.TopicSpec;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/** Turns payloads into Kafka records for Camel's Kafka producer: JSON body, key, correlation id, nothing else. */
public final class KafkaRecords {

    private KafkaRecords() {
    }

    /**
     * Replaces {@code message}'s body and headers with {@code payload}'s record on {@code topic}. Every other header
     * goes, so no HTTP header from outside (cookies, authorization, a forged Camel header) reaches Kafka.
     */
    public static <T extends EventEnvelope> void become(Message message, TopicSpec<T> topic, T payload) {
        message.getHeaders().clear();
        message.setHeader(KafkaConstants.KEY, topic.keyFor(payload));
        if (payload.correlationId() != null) {
            message.setHeader(CustAreaHeaders.CORRELATION_ID, payload.correlationId());
            Correlation.bind(message.getExchange(), payload.correlationId());
        }
        message.setBody(PayloadJson.write(payload));
    }

    /** The Camel messages of {@code records} for the pipeline producer: each names its topic and key in headers. */
    public static List<Message> toMessages(CamelContext context, List<OutgoingRecord> records) {
        List<Message> messages = new ArrayList<>(records.size());
        for (OutgoingRecord record : records) {
            DefaultMessage message = new DefaultMessage(context);
            message.setBody(record.value());
            message.setHeader(KafkaConstants.OVERRIDE_TOPIC, record.topic());
            message.setHeader(KafkaConstants.KEY, record.key());
            record.headers().forEach(message::setHeader);
            messages.add(message);
        }
        return messages;
    }
}
