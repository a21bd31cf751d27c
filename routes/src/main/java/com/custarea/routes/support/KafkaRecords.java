package com.custarea.routes.support;

import com.custarea.schemas.EventEnvelope;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.TopicSpec;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/** Turns a Camel message into the Kafka record of a payload: its JSON, its key, its correlation id, nothing else. */
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
        }
        message.setBody(PayloadJson.write(payload));
    }
}
