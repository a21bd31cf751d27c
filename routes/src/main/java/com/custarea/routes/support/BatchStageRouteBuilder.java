package com.custarea.routes.support;

import com.custarea.schemas.EventEnvelope;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.builder.RouteBuilder;

/**
 * The route of one batching stage: consume its topic ▶ run the stage ▶ publish what it returns (each record to its
 * own topic) ▶ commit the consumed offsets. Subclasses name the stage and its consumer group.
 */
public abstract class BatchStageRouteBuilder<I extends EventEnvelope> extends RouteBuilder {

    private final BatchStage<I> stage;
    private final String routeId;
    private final String groupId;
    private final KafkaBatchCommitter committer;
    private final PipelineTuning tuning;
    private final MeterRegistry meters;
    private final RecordTracing tracing;

    protected BatchStageRouteBuilder(BatchStage<I> stage, String routeId, String groupId, StageSupport support) {
        this.stage = stage;
        this.routeId = routeId;
        this.groupId = groupId;
        this.committer = support.committer();
        this.tuning = support.tuning();
        this.meters = support.meters();
        this.tracing = support.tracing();
    }

    @Override
    public void configure() {
        from(KafkaEndpoints.batchConsumer(stage.input(), groupId, tuning.forStage(routeId)))
                .routeId(routeId)
                .routeConfigurationId(KafkaStageErrorHandling.ID)
                .process(new BatchStageProcessor<>(stage, routeId, meters, tracing))
                .filter(BatchStageProcessor.HAS_OUTPUT)
                    .to(KafkaEndpoints.PIPELINE_PRODUCER)
                .end()
                .process(committer);
    }
}
