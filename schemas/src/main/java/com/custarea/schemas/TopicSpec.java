package com.custarea.schemas;

import java.util.Objects;
import java.util.function.Function;

/**
 * A topic of the pipeline: its name, the payload it carries (and that payload's JSON Schema), how many partitions it
 * has, and how a payload's record key is made.
 *
 * @param name           the Kafka topic name
 * @param payloadType    the record class a value deserialises to
 * @param schemaName     the JSON Schema under {@code /schemas/} that a value must satisfy
 * @param partitions     partitions when the topic is created
 * @param keyDescription what the key is made of, for the docs and the ops endpoints
 * @param keyOf          makes a payload's key; records with the same key stay in order
 */
public record TopicSpec<T extends EventEnvelope>(
        String name,
        Class<T> payloadType,
        String schemaName,
        int partitions,
        String keyDescription,
        Function<T, String> keyOf) {

    /** The suffix of a topic's dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payloadType, "payloadType");
        Objects.requireNonNull(keyOf, "keyOf");
        if (partitions < 1) {
            throw new IllegalArgumentException("A topic needs at least one partition: " + name);
        }
    }

    /** The record key of {@code payload}. */
    public String keyFor(T payload) {
        return keyOf.apply(payload);
    }

    /** The dead-letter topic where this topic's poison records go. */
    public String deadLetterTopic() {
        return name + DEAD_LETTER_SUFFIX;
    }
}
