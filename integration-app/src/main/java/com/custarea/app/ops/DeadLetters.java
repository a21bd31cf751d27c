package com.custarea.app.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.support.CustAreaHeaders;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadException;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dead-letter topics as an admin sees them: only the records of the admin's tenant (by the payload's
 * {@code tenantId}; a record that is not a payload at all belongs to nobody and is left to the operator's Kafka
 * tools), with their error headers, and their replay to the original topic. A replay is recorded per dead-letter
 * record in the same transaction that publishes it, so replaying twice publishes once; the stages are idempotent,
 * so a replayed record that had in fact been processed changes nothing.
 */
@Service
public class DeadLetters {

    /** The header a replayed record carries: the dead-letter record it came from. */
    public static final String REPLAYED_FROM = "custarea-replayed-from";

    private final String bootstrapServers;
    private final int scanLimit;
    private final NamedParameterJdbcTemplate jdbc;
    private final EventPublisher publisher;
    private final TransactionTemplate transaction;

    public DeadLetters(@Value("${custarea.kafka.bootstrap-servers}") String bootstrapServers,
                       @Value("${custarea.ops.dlq-scan-limit:20000}") int scanLimit, NamedParameterJdbcTemplate jdbc,
                       EventPublisher publisher, TransactionTemplate transaction) {
        this.bootstrapServers = bootstrapServers;
        this.scanLimit = scanLimit;
        this.jdbc = jdbc;
        this.publisher = publisher;
        this.transaction = transaction;
    }

    /** Per pipeline topic: how many of the tenant's records its dead-letter topic holds, and how many are replayed. */
    public List<Map<String, Object>> summary(UUID tenantId) {
        List<Map<String, Object>> topics = new ArrayList<>();
        for (TopicSpec<?> topic : Topics.all()) {
            List<DeadLetterRecord> records = read(tenantId, topic.name());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", topic.name());
            row.put("deadLetterTopic", topic.deadLetterTopic());
            row.put("count", records.size());
            row.put("replayed", records.stream().filter(DeadLetterRecord::replayed).count());
            topics.add(row);
        }
        return topics;
    }

    /** The tenant's dead letters of {@code topic}, oldest first, at most {@code limit}. */
    public List<DeadLetterRecord> records(UUID tenantId, String topic, int limit) {
        List<DeadLetterRecord> records = read(tenantId, known(topic).name());
        return records.size() <= limit ? records : records.subList(0, limit);
    }

    /**
     * Publishes the tenant's dead letters of {@code topic} (all, or those at {@code positions}) back to the topic,
     * each once; returns how many were published now.
     */
    public int replay(UUID tenantId, String topic, List<TopicPartition> positions, List<Long> offsets, UUID userId) {
        TopicSpec<?> spec = known(topic);
        Set<String> wanted = new HashSet<>();
        for (int i = 0; i < positions.size(); i++) {
            wanted.add(positions.get(i).partition() + "@" + offsets.get(i));
        }
        int published = 0;
        for (DeadLetterRecord record : read(tenantId, spec.name())) {
            if (record.replayed() || (!wanted.isEmpty() && !wanted.contains(record.partition() + "@"
                    + record.offset()))) {
                continue;
            }
            Boolean done = transaction.execute(tx -> {
                int claimed = jdbc.update("""
                        INSERT INTO dlq_replays (dlq_topic, partition, "offset", tenant_id, replayed_by)
                        VALUES (:topic, :partition, :offset, :tenantId, :userId)
                        ON CONFLICT DO NOTHING
                        """, new MapSqlParameterSource().addValue("topic", spec.deadLetterTopic())
                        .addValue("partition", record.partition()).addValue("offset", record.offset())
                        .addValue("tenantId", tenantId).addValue("userId", userId));
                if (claimed == 0) {
                    return false;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                Optional.ofNullable(record.headers().get(CustAreaHeaders.CORRELATION_ID))
                        .ifPresent(id -> headers.put(CustAreaHeaders.CORRELATION_ID, id));
                headers.put(REPLAYED_FROM, spec.deadLetterTopic() + "/" + record.partition() + "@" + record.offset());
                // published inside the transaction: if Kafka refuses, the replay is not recorded
                publisher.publish(List.of(new OutgoingRecord(spec.name(), record.key(), record.rawValue(), headers)));
                return true;
            });
            if (Boolean.TRUE.equals(done)) {
                published++;
            }
        }
        return published;
    }

    private List<DeadLetterRecord> read(UUID tenantId, String topic) {
        String deadLetterTopic = topic + TopicSpec.DEAD_LETTER_SUFFIX;
        Set<String> replayed = new HashSet<>(jdbc.queryForList("""
                SELECT partition || '@' || "offset" FROM dlq_replays WHERE dlq_topic = :topic AND tenant_id = :tenantId
                """, Map.of("topic", deadLetterTopic, "tenantId", tenantId), String.class));
        List<DeadLetterRecord> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000), new StringDeserializer(), new StringDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(deadLetterTopic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                return records;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(10));
            int scanned = 0;
            while (scanned < scanLimit && assigned.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    scanned++;
                    Optional<JsonNode> json = json(record.value());
                    if (json.map(value -> value.path("tenantId").asText()).filter(tenantId.toString()::equals)
                            .isEmpty()) {
                        continue;
                    }
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), header.value() == null ? null
                                : new String(header.value(), StandardCharsets.UTF_8));
                    }
                    records.add(new DeadLetterRecord(record.partition(), record.offset(), record.key(),
                            Instant.ofEpochMilli(record.timestamp()), headers, json.get(), record.value(),
                            replayed.contains(record.partition() + "@" + record.offset())));
                }
            }
        }
        records.sort(Comparator.comparing(DeadLetterRecord::timestamp)
                .thenComparingInt(DeadLetterRecord::partition).thenComparingLong(DeadLetterRecord::offset));
        return records;
    }

    private static Optional<JsonNode> json(String value) {
        try {
            return value == null ? Optional.empty() : Optional.of(PayloadJson.tree(value));
        } catch (PayloadException e) {
            return Optional.empty();
        }
    }

    private static TopicSpec<?> known(String topic) {
        return Topics.byName(topic).orElseThrow(() -> ProblemException.notFound("No pipeline topic " + topic
                + "; the topics are " + Topics.all().stream().map(TopicSpec::name).toList()));
    }
}
