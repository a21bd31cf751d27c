package com.custarea.routes.support;

import com.custarea.schemas.TopicSpec;

/** Builds the Camel Kafka endpoint URIs of the pipeline from the topic catalog; brokers come from the component. */
public final class KafkaEndpoints {

    /**
     * The producer every stage publishes its batch through: the body is a list of messages, each naming its topic
     * and key in its own headers and carrying its own headers into its record. The topic in the URI is never
     * written: no record leaves without its own topic, and the broker refuses unknown topics.
     */
    public static final String PIPELINE_PRODUCER = "kafka:pipeline.output?batchWithIndividualHeaders=true";

    private KafkaEndpoints() {
    }

    /**
     * A batching consumer of {@code topic} in consumer group {@code groupId}. Offsets are committed by
     * {@link KafkaBatchCommitter} only after the batch's effects are durable; a failure that escapes the route
     * reconnects the consumer from the last committed offset, so nothing is skipped.
     */
    public static String batchConsumer(TopicSpec<?> topic, String groupId, StageTuning tuning) {
        return "kafka:" + topic.name()
                + "?groupId=" + groupId
                + "&batching=true"
                + "&maxPollRecords=" + tuning.maxBatchSize()
                + "&pollTimeoutMs=" + tuning.pollTimeoutMs()
                + "&batchingIntervalMs=" + tuning.batchIntervalMs()
                + "&consumersCount=" + tuning.consumers()
                + "&autoOffsetReset=earliest"
                + "&autoCommitEnable=false"
                + "&allowManualCommit=true"
                + "&breakOnFirstError=true"
                + "&kafkaManualCommitFactory=#class:"
                + "org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory";
    }

    /** A producer that writes to {@code topic}, waiting for the broker's acknowledgement (acks=all, idempotent). */
    public static String producer(TopicSpec<?> topic) {
        return "kafka:" + topic.name();
    }
}
