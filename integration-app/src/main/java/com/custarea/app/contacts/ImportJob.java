package com.custarea.app.contacts;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** A CSV import: its progress, and the rows that failed with why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportJob(UUID id, String status, int totalRows, int processed, int succeeded, int failed,
                        @JsonRawValue String errors, Instant createdAt, Instant finishedAt) {
}
