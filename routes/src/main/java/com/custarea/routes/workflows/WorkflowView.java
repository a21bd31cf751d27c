package com.custarea.routes.workflows;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** A workflow as the API shows it: its current definition and version. */
public record WorkflowView(UUID id, String name, boolean enabled, int version, String triggerType,
                           @JsonRawValue String definition, Instant createdAt, Instant updatedAt) {
}
