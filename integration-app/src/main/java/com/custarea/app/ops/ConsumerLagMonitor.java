package com.custarea.app.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Measures consumer lag per group, topic and partition from the broker's committed and end offsets. Served on
 * {@code GET /api/ops/lag} and published as the gauge {@code custarea.kafka.consumer.lag}, refreshed on a schedule.
 */
@Service
public class ConsumerLagMonitor {

    /** The gauge's name (Prometheus: custarea_kafka_consumer_lag). */
    public static final String GAUGE = "custarea.kafka.consumer.lag";
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLagMonitor.class);

    private final Admin admin;
    private final MultiGauge gauge;

    public ConsumerLagMonitor(Admin admin, MeterRegistry registry) {
        this.admin = admin;
        this.gauge = MultiGauge.builder(GAUGE)
                .description("Records a consumer group has yet to process on a partition")
                .baseUnit("records")
                .register(registry);
    }

    /** The lag of every consumer group on every partition it has committed offsets for. */
    public List<PartitionLag> measure() throws ExecutionException, InterruptedException, TimeoutException {
        List<PartitionLag> lags = new ArrayList<>();
        for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            if (latest.isEmpty()) {
                continue;
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS);
            committed.forEach((partition, offset) -> {
                if (offset == null) {
                    return;
                }
                long end = ends.get(partition).offset();
                lags.add(new PartitionLag(group.groupId(), partition.topic(), partition.partition(), offset.offset(),
                        end, Math.max(0, end - offset.offset())));
            });
        }
        lags.sort(Comparator.comparing(PartitionLag::group).thenComparing(PartitionLag::topic)
                .thenComparingInt(PartitionLag::partition));
        return lags;
    }

    @Scheduled(fixedDelayString = "${custarea.ops.lag-refresh:15s}", initialDelayString = "${custarea.ops.lag-refresh:15s}")
    void refreshGauge() {
        try {
            List<PartitionLag> lags = measure();
            gauge.register(lags.stream().map(lag -> MultiGauge.Row.of(Tags.of(
                    "group", lag.group(), "topic", lag.topic(), "partition", Integer.toString(lag.partition())),
                    lag.lag())).toList(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Cannot measure consumer lag: {}", e.toString());
        }
    }
}
