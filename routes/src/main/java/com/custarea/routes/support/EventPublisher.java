package com.custarea.routes.support;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes records from outside a stage (the dashboard API, sign-in mail) through the pipeline's producer, and
 * returns once the broker has them all (acks=all); a broker that cannot take them is a transient failure (503).
 */
@Component
public class EventPublisher {

    private final ProducerTemplate producer;

    public EventPublisher(ProducerTemplate producer) {
        this.producer = producer;
    }

    public void publish(List<OutgoingRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        Exchange result = producer.send(KafkaEndpoints.PIPELINE_PRODUCER, (Exchange exchange) ->
                exchange.getMessage().setBody(KafkaRecords.toMessages(exchange.getContext(), records)));
        if (result.getException() != null) {
            throw new TransientFailure("Kafka did not take the records", null, result.getException());
        }
    }
}
