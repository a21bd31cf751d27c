package com.custarea.app.ops;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One dead-letter record as the ops API shows it: where it sits, why it failed (its headers), its payload, and
 * whether it was replayed.
 *
 * @param value the payload as JSON when it is JSON, else as text
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterRecord(int partition, long offset, String key, Instant timestamp,
                               Map<String, String> headers, JsonNode value, String rawValue, boolean replayed) {
}
