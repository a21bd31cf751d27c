package com.custarea.routes.support;

import java.util.ArrayList;
import java.util.List;

import com.custarea.schemas.EventEnvelope;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.PayloadValidator;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link BatchStage} over a batch from a Kafka batching consumer: decodes and validates each record
 * (dead-lettering the ones that are not valid payloads), hands the rest to the stage, and on a non-transient failure
 * retries the records one by one so a single poison record goes to the dead-letter topic while the others pass.
 * The body becomes the list of Camel messages to publish, each naming its topic and key in headers; the consumed
 * batch stays in the exchange property {@link #BATCH_PROPERTY} for the offset commit.
 */
public final class BatchStageProcessor<I extends EventEnvelope> implements Processor {

    /** Exchange property holding the consumed batch (a {@code List<Exchange>}). */
    public static final String BATCH_PROPERTY = "custarea.consumedBatch";

    /** True when the stage produced records to publish. */
    public static final Predicate HAS_OUTPUT = exchange -> {
        List<?> body = exchange.getMessage().getBody(List.class);
        return body != null && !body.isEmpty();
    };

    private static final Logger LOG = LoggerFactory.getLogger(BatchStageProcessor.class);

    private final BatchStage<I> stage;
    private final String stageName;
    private final Timer batchTimer;
    private final DistributionSummary batchSizes;
    private final MeterRegistry meters;
    private final RecordTracing tracing;

    public BatchStageProcessor(BatchStage<I> stage, String stageName, MeterRegistry meters, RecordTracing tracing) {
        this.stage = stage;
        this.tracing = tracing;
        this.stageName = stageName;
        this.meters = meters;
        this.batchTimer = Timer.builder("custarea.stage.batch")
                .description("Time a pipeline stage takes to process one batch, publishing excluded")
                .tag("stage", stageName)
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        this.batchSizes = DistributionSummary.builder("custarea.stage.batch.size")
                .description("Records per batch a pipeline stage consumed")
                .tag("stage", stageName)
                .register(meters);
    }

    @Override
    public void process(Exchange exchange) {
        Timer.Sample sample = Timer.start();
        try {
            processBatch(exchange);
        } finally {
            sample.stop(batchTimer);
        }
    }

    private void processBatch(Exchange exchange) {
        List<?> consumed = exchange.getMessage().getBody(List.class);
        List<Exchange> batch = new ArrayList<>();
        if (consumed != null) {
            consumed.stream().filter(Exchange.class::isInstance).map(Exchange.class::cast).forEach(batch::add);
        }
        exchange.setProperty(BATCH_PROPERTY, batch);
        batchSizes.record(batch.size());

        try (RecordTracing.BatchSpans spans = tracing.startBatch(stageName)) {
            List<OutgoingRecord> output = spans.propagate(process(batch, spans));
            countDeadLetters(output);
            exchange.getMessage().setBody(KafkaRecords.toMessages(exchange.getContext(), output));
        }
    }

    private List<OutgoingRecord> process(List<Exchange> batch, RecordTracing.BatchSpans spans) {
        List<OutgoingRecord> output = new ArrayList<>();
        List<StageRecord<I>> decoded = new ArrayList<>(batch.size());
        for (Exchange record : batch) {
            Message message = record.getMessage();
            String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
            int partition = message.getHeader(KafkaConstants.PARTITION, 0, Integer.class);
            long offset = message.getHeader(KafkaConstants.OFFSET, -1L, Long.class);
            String key = message.getHeader(KafkaConstants.KEY, String.class);
            String value = message.getBody(String.class);
            try {
                I payload = PayloadValidator.readValid(stage.input(), value);
                decoded.add(new StageRecord<>(payload, key, value, topic, partition, offset));
                spans.record(message, payload, topic, partition, offset);
            } catch (RuntimeException e) {
                LOG.warn("Dead-lettering {}-{}@{} in {}: {}", topic, partition, offset, stageName,
                        PersonalData.redact(e.getMessage()));
                output.add(DeadLetters.of(topic, partition, offset, key, value, e, stageName));
            }
        }
        if (!decoded.isEmpty()) {
            output.addAll(processIsolatingPoison(decoded));
        }
        return output;
    }

    /** Counts the records this batch dead-letters, per original topic ({@code custarea.dlq.records}). */
    private void countDeadLetters(List<OutgoingRecord> output) {
        for (OutgoingRecord record : output) {
            if (record.topic().endsWith(TopicSpec.DEAD_LETTER_SUFFIX)) {
                meters.counter("custarea.dlq.records", "topic", record.topic().substring(0,
                        record.topic().length() - TopicSpec.DEAD_LETTER_SUFFIX.length()), "stage", stageName)
                        .increment();
            }
        }
    }

    private List<OutgoingRecord> processIsolatingPoison(List<StageRecord<I>> decoded) {
        try {
            return stage.process(decoded);
        } catch (RuntimeException batchFailure) {
            if (TransientFailures.isTransient(batchFailure)) {
                throw batchFailure;
            }
            if (decoded.size() == 1) {
                StageRecord<I> record = decoded.get(0);
                LOG.warn("Dead-lettering {}-{}@{} in {}: {}", record.topic(), record.partition(), record.offset(),
                        stageName, PersonalData.redact(batchFailure.toString()));
                return List.of(DeadLetters.of(record, batchFailure, stageName));
            }
            LOG.info("{}: batch of {} failed ({}); processing its records one by one", stageName, decoded.size(),
                    PersonalData.redact(batchFailure.toString()));
            List<OutgoingRecord> output = new ArrayList<>();
            for (StageRecord<I> record : decoded) {
                try (var correlation = Correlation.scope(record.payload().correlationId())) {
                    output.addAll(stage.process(List.of(record)));
                } catch (RuntimeException recordFailure) {
                    if (TransientFailures.isTransient(recordFailure)) {
                        throw recordFailure;
                    }
                    LOG.warn("Dead-lettering {}-{}@{} in {}: {}", record.topic(), record.partition(), record.offset(),
                            stageName, PersonalData.redact(recordFailure.toString()));
                    output.add(DeadLetters.of(record, recordFailure, stageName));
                }
            }
            return output;
        }
    }
}
