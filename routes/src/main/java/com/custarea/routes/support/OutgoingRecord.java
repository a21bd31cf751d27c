package com.custarea.routes.support;

import java.util.LinkedHashMap;
import java.util.Map;

import com.custarea.schemas.EventEnvelope;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.TopicSpec;

/** A record a stage wants published: topic, key, JSON value and headers. */
public record OutgoingRecord(String topic, String key, String value, Map<String, String> headers) {

    public OutgoingRecord {
        headers = Map.copyOf(headers);
    }

    /** The record for {@code payload} on {@code topic}, keyed as the catalog says, carrying its correlation id. */
    public static <T extends EventEnvelope> OutgoingRecord of(TopicSpec<T> topic, T payload) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (payload.correlationId() != null) {
            headers.put(CustAreaHeaders.CORRELATION_ID, payload.correlationId());
        }
        return new OutgoingRecord(topic.name(), topic.keyFor(payload), PayloadJson.write(payload), headers);
    }
}
