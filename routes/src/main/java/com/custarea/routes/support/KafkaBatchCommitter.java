package com.custarea.routes.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Component;

/**
 * Commits the offsets of a consumed batch once its effects are durable: for every partition in the batch, the offset
 * after its last record, all in one synchronous commit (one round trip to the group coordinator, where committing
 * partition by partition cost one each). The batch comes from {@link BatchStageProcessor#BATCH_PROPERTY}.
 */
@Component
public class KafkaBatchCommitter implements Processor {

    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public void process(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Exchange> batch = exchange.getProperty(BatchStageProcessor.BATCH_PROPERTY, List.class);
        if (batch == null || batch.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Consumer<?, ?> consumer = null;
        for (Exchange record : batch) {
            KafkaManualCommit commit = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT,
                    KafkaManualCommit.class);
            if (commit instanceof DefaultKafkaManualCommit manual) {
                consumer = manual.getCamelExchangePayload().consumer;
                offsets.merge(manual.getPartition(), new OffsetAndMetadata(manual.getRecordOffset() + 1),
                        (kept, next) -> next.offset() > kept.offset() ? next : kept);
            }
        }
        if (consumer != null && !offsets.isEmpty()) {
            // the consumer thread waits for this route to finish, so nobody else touches the consumer meanwhile
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        }
    }
}
