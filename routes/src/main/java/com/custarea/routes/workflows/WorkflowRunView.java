package com.custarea.routes.workflows;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** One execution of a workflow and what each of its actions did: the run log. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowRunView(UUID id, int workflowVersion, String triggerType, UUID triggerEventId,
                              UUID conversationId, UUID contactId, UUID messageId, String status, String detail,
                              Instant createdAt, Instant updatedAt, List<Step> steps) {

    /** One action of the run. */
    public record Step(int step, String action, String status, @JsonRawValue String result, Instant executedAt) {
    }
}
