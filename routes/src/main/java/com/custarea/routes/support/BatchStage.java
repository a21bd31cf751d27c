package com.custarea.routes.support;

import java.util.List;

import com.custarea.schemas.EventEnvelope;
import com.custarea.schemas.TopicSpec;

/**
 * One stage of the pipeline: it consumes a topic in batches, makes its effects durable, and returns the records to
 * publish next. Processing must be idempotent, since a batch can be delivered again after a crash or a failure.
 */
public interface BatchStage<I extends EventEnvelope> {

    /** The topic this stage consumes. */
    TopicSpec<I> input();

    /**
     * Processes {@code batch} and returns what to publish. A transient failure ({@link TransientFailures}) makes the
     * whole batch retry; any other exception makes the runner process the records one by one and dead-letter the
     * ones that still fail.
     */
    List<OutgoingRecord> process(List<StageRecord<I>> batch);
}
