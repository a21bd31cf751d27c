package com.custarea.routes.support;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * What every batching stage route needs besides its stage: the offset committer, the tuning, the meters and the
 * record tracing.
 */
@Component
public record StageSupport(KafkaBatchCommitter committer, PipelineTuning tuning, MeterRegistry meters,
                           RecordTracing tracing) {
}
