package com.custarea.routes.support;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.custarea.schemas.TopicSpec;

/** Makes the dead-letter record of a poison record: the original key and value, and the error in headers. */
public final class DeadLetters {

    private static final int MAX_MESSAGE_LENGTH = 2000;

    private DeadLetters() {
    }

    /** The dead-letter record of a record read from {@code topic} that {@code stage} could not process. */
    public static OutgoingRecord of(String topic, int partition, long offset, String key, String rawValue,
                                    Throwable error, String stage) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CustAreaHeaders.DLQ_ERROR_CLASS, error.getClass().getName());
        headers.put(CustAreaHeaders.DLQ_ERROR_MESSAGE, truncate(String.valueOf(error.getMessage())));
        headers.put(CustAreaHeaders.DLQ_ORIGINAL_TOPIC, topic);
        headers.put(CustAreaHeaders.DLQ_ORIGINAL_PARTITION, Integer.toString(partition));
        headers.put(CustAreaHeaders.DLQ_ORIGINAL_OFFSET, Long.toString(offset));
        headers.put(CustAreaHeaders.DLQ_STAGE, stage);
        headers.put(CustAreaHeaders.DLQ_FAILED_AT, Instant.now().toString());
        return new OutgoingRecord(topic + TopicSpec.DEAD_LETTER_SUFFIX, key, rawValue == null ? "" : rawValue,
                headers);
    }

    /** The dead-letter record of a decoded record. */
    public static OutgoingRecord of(StageRecord<?> record, Throwable error, String stage) {
        return of(record.topic(), record.partition(), record.offset(), record.key(), record.rawValue(), error, stage);
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE_LENGTH ? message : message.substring(0, MAX_MESSAGE_LENGTH) + "…";
    }
}
