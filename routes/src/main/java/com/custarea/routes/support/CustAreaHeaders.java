package com.custarea.routes.support;

/**
 * Names of the message and Kafka record headers CustArea sets itself. HTTP headers from outside never reach Kafka:
 * inbound routes keep only these (see {@link #KEPT_ON_INBOUND}).
 */
public final class CustAreaHeaders {

    /** The correlation id of the interaction, copied onto every record it causes. */
    public static final String CORRELATION_ID = "custarea-correlation-id";

    /** On a dead-letter record: the class of the exception that made the record a poison record. */
    public static final String DLQ_ERROR_CLASS = "custarea-dlq-error-class";
    /** On a dead-letter record: the exception message. */
    public static final String DLQ_ERROR_MESSAGE = "custarea-dlq-error-message";
    /** On a dead-letter record: the topic the record was read from. */
    public static final String DLQ_ORIGINAL_TOPIC = "custarea-dlq-original-topic";
    /** On a dead-letter record: its partition in the original topic. */
    public static final String DLQ_ORIGINAL_PARTITION = "custarea-dlq-original-partition";
    /** On a dead-letter record: its offset in the original topic. */
    public static final String DLQ_ORIGINAL_OFFSET = "custarea-dlq-original-offset";
    /** On a dead-letter record: the pipeline stage (route id) that gave up on it. */
    public static final String DLQ_STAGE = "custarea-dlq-stage";
    /** On a dead-letter record: when it was dead-lettered (ISO-8601). */
    public static final String DLQ_FAILED_AT = "custarea-dlq-failed-at";

    /** Exchange property: the dead-letter records a batch stage produced besides its output. */
    public static final String DEAD_LETTERS_PROPERTY = "custarea.deadLetters";

    private CustAreaHeaders() {
    }
}
