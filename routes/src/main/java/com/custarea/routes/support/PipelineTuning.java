package com.custarea.routes.support;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How each stage consumes its topic ({@code custarea.pipeline.*}): defaults for all stages, and per-stage overrides
 * under {@code custarea.pipeline.stages.<stage>} (ingest, ai, outbound-api, delivery-status).
 */
@ConfigurationProperties("custarea.pipeline")
public record PipelineTuning(
        @DefaultValue("500") int maxBatchSize,
        @DefaultValue("10") int pollTimeoutMs,
        @DefaultValue("10") int batchIntervalMs,
        @DefaultValue("1") int consumers,
        Map<String, StageOverride> stages) {

    public PipelineTuning {
        stages = stages == null ? Map.of() : Map.copyOf(stages);
    }

    /** The tuning of {@code stage}: its overrides on top of the defaults. */
    public StageTuning forStage(String stage) {
        StageOverride override = stages.get(stage);
        if (override == null) {
            return new StageTuning(maxBatchSize, pollTimeoutMs, batchIntervalMs, consumers);
        }
        return new StageTuning(
                override.maxBatchSize() != null ? override.maxBatchSize() : maxBatchSize,
                override.pollTimeoutMs() != null ? override.pollTimeoutMs() : pollTimeoutMs,
                override.batchIntervalMs() != null ? override.batchIntervalMs() : batchIntervalMs,
                override.consumers() != null ? override.consumers() : consumers);
    }

    /** Per-stage values; unset ones take the defaults. */
    public record StageOverride(Integer maxBatchSize, Integer pollTimeoutMs, Integer batchIntervalMs,
                                Integer consumers) {
    }
}
