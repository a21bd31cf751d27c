package com.custarea.routes.support;

import com.custarea.schemas.EventEnvelope;

/**
 * A record a stage consumed: its decoded payload and where it came from, so the stage can dead-letter it.
 *
 * @param rawValue the value as read, kept for the dead-letter topic
 */
public record StageRecord<T extends EventEnvelope>(
        T payload, String key, String rawValue, String topic, int partition, long offset) {
}
