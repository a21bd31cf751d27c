package com.custarea.app.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.custarea.routes.support.ParkedSends;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Gauges of the pipeline's state, refreshed on a schedule: messages per send-ledger state and channel
 * ({@code custarea.send_ledger.messages}), messages parked while their provider fails
 * ({@code custarea.parked_sends.messages}) and records held in each dead-letter topic ({@code custarea.dlq.depth}).
 */
@Service
public class PipelineStateMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineStateMonitor.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final Admin admin;
    private final MultiGauge ledger;
    private final MultiGauge deadLetters;
    private final MultiGauge parkedGauge;
    private final ParkedSends parked;

    public PipelineStateMonitor(NamedParameterJdbcTemplate jdbc, Admin admin, MeterRegistry registry,
                                ParkedSends parked) {
        this.jdbc = jdbc;
        this.admin = admin;
        this.parked = parked;
        this.parkedGauge = MultiGauge.builder("custarea.parked_sends.messages")
                .description("Outbound messages parked while their provider fails, per channel").register(registry);
        this.ledger = MultiGauge.builder("custarea.send_ledger.messages")
                .description("Outbound messages per send-ledger state and channel").register(registry);
        this.deadLetters = MultiGauge.builder("custarea.dlq.depth")
                .description("Records held in the dead-letter topic of each pipeline topic").baseUnit("records")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${custarea.ops.lag-refresh:15s}", initialDelayString = "${custarea.ops.lag-refresh:15s}")
    void refresh() {
        try {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            jdbc.query("SELECT channel, state, count(*) AS n FROM send_ledger GROUP BY channel, state", Map.of(),
                    row -> {
                        rows.add(MultiGauge.Row.of(Tags.of("channel", row.getString("channel"), "state",
                                row.getString("state")), row.getLong("n")));
                    });
            ledger.register(rows, true);
            parkedGauge.register(parked.countByChannel().entrySet().stream().map(entry -> MultiGauge.Row.of(
                    Tags.of("channel", entry.getKey()), entry.getValue())).toList(), true);
        } catch (RuntimeException e) {
            LOG.warn("Cannot measure the send ledger: {}", e.toString());
        }
        try {
            deadLetters.register(depths(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Cannot measure the dead-letter topics: {}", e.toString());
        }
    }

    private List<MultiGauge.Row<?>> depths() throws ExecutionException, InterruptedException, TimeoutException {
        List<String> names = Topics.all().stream().map(TopicSpec::deadLetterTopic).toList();
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        described.values().forEach(topic -> topic.partitions().forEach(partition -> {
            TopicPartition tp = new TopicPartition(topic.name(), partition.partition());
            earliest.put(tp, OffsetSpec.earliest());
            latest.put(tp, OffsetSpec.latest());
        }));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(10, TimeUnit.SECONDS);
        Map<String, Long> depth = new HashMap<>();
        ends.forEach((partition, end) -> depth.merge(partition.topic(),
                end.offset() - starts.get(partition).offset(), Long::sum));
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        depth.forEach((topic, records) -> rows.add(MultiGauge.Row.of(Tags.of("topic",
                topic.substring(0, topic.length() - TopicSpec.DEAD_LETTER_SUFFIX.length())), records)));
        return rows;
    }
}
