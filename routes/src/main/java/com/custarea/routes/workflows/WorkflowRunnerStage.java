package com.custarea.routes.workflows;

import java.util.ArrayList;
import java.util.List;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import com.custarea.schemas.WorkflowTrigger;
import org.springframework.stereotype.Service;

/** The workflow runner: runs what each trigger starts, and publishes what the runs' actions produced. */
@Service
public class WorkflowRunnerStage implements BatchStage<WorkflowTrigger> {

    public static final String STAGE = "workflows";

    private final WorkflowEngine engine;

    public WorkflowRunnerStage(WorkflowEngine engine) {
        this.engine = engine;
    }

    @Override
    public TopicSpec<WorkflowTrigger> input() {
        return Topics.WORKFLOW_TRIGGERS;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<WorkflowTrigger>> batch) {
        List<OutgoingRecord> output = new ArrayList<>();
        for (StageRecord<WorkflowTrigger> record : batch) {
            output.addAll(engine.onTrigger(record.payload()));
        }
        return output;
    }
}
