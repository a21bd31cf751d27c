package com.custarea.routes.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.springframework.stereotype.Component;

/**
 * Commits the offsets of a consumed batch once its effects are durable: for every partition in the batch, the offset
 * after its last record. The batch comes from {@link BatchStageProcessor#BATCH_PROPERTY}.
 */
@Component
public class KafkaBatchCommitter implements Processor {

    @Override
    public void process(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Exchange> batch = exchange.getProperty(BatchStageProcessor.BATCH_PROPERTY, List.class);
        if (batch == null || batch.isEmpty()) {
            return;
        }
        Map<String, KafkaManualCommit> lastPerPartition = new LinkedHashMap<>();
        for (Exchange record : batch) {
            KafkaManualCommit commit = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT,
                    KafkaManualCommit.class);
            if (commit != null) {
                String partition = record.getMessage().getHeader(KafkaConstants.TOPIC) + "-"
                        + record.getMessage().getHeader(KafkaConstants.PARTITION);
                lastPerPartition.put(partition, commit);
            }
        }
        lastPerPartition.values().forEach(KafkaManualCommit::commit);
    }
}
