package com.custarea.routes.workflows;

import java.util.UUID;

import com.custarea.routes.support.DeterministicIds;
import com.custarea.schemas.WorkflowTrigger;

/** A run in progress: its id, the workflow at the run's version, what started it and what it can see. */
record WorkflowRun(UUID id, StoredWorkflow workflow, WorkflowTrigger trigger, WorkflowContext context) {

    UUID tenantId() {
        return workflow.tenantId();
    }

    /** An id for the effect of step {@code step}, the same however often the step runs. */
    UUID effectId(String purpose, int step) {
        return DeterministicIds.of(purpose, id + ":" + step);
    }
}
