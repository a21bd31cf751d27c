package com.custarea.routes.workflows;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** An enabled workflow as the runner sees it: its current version's definition. */
public record StoredWorkflow(UUID id, UUID tenantId, String name, int version, WorkflowTriggerType trigger,
                             JsonNode definition) {
}
