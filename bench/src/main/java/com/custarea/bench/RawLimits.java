package com.custarea.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import com.custarea.routes.conversations.MessageStore;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * This machine's raw limits for the pipeline's own work, measured in the same run: Kafka produce and consume rates
 * for records the size of an inbound message (with the pipeline's producer settings), and PostgreSQL's rate for the
 * ingest's message insert, committed in batches as the pipeline does.
 */
final class RawLimits {

    record Result(double kafkaProducePerSecond, double kafkaConsumePerSecond, double postgresInsertsPerSecond) {

        double bottleneck() {
            return Math.min(kafkaProducePerSecond, Math.min(kafkaConsumePerSecond, postgresInsertsPerSecond));
        }
    }

    private RawLimits() {
    }

    static Result measure(String bootstrapServers, DataSource dataSource, TransactionTemplate transaction,
                          MessageStore store, String sampleRecord, int records) throws Exception {
        String topic = "bench.raw." + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
        awaitLeaders(bootstrapServers, topic);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        long produceStart = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + (i % 1000), sampleRecord));
            }
            producer.flush();
        }
        double produceRate = records / seconds(produceStart);

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        int consumed = 0;
        long consumeStart = System.nanoTime();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (consumed < records) {
                consumed += consumer.poll(Duration.ofMillis(100)).count();
                consumer.commitSync();
            }
        }
        double consumeRate = records / seconds(consumeStart);

        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        UUID tenant = UUID.randomUUID();
        UUID channel = UUID.randomUUID();
        UUID contact = UUID.randomUUID();
        UUID conversation = UUID.randomUUID();
        jdbc.update("INSERT INTO tenants (id, name) VALUES (?, 'raw')", tenant);
        jdbc.update("INSERT INTO channels (id, tenant_id, type, name) VALUES (?, ?, 'api', 'raw')", channel, tenant);
        jdbc.update("INSERT INTO contacts (id, tenant_id) VALUES (?, ?)", contact, tenant);
        jdbc.update("INSERT INTO conversations (id, tenant_id, contact_id, channel_id, channel, thread_key, "
                + "recipient_type, recipient_value) VALUES (?, ?, ?, ?, 'api', 'default', 'external', 'raw')",
                conversation, tenant, contact, channel);
        int batch = 100;
        long insertStart = System.nanoTime();
        for (int done = 0; done < records; done += batch) {
            List<InboundMessage> messages = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                messages.add(new InboundMessage(UUID.randomUUID(), tenant, Instant.now(), 1, "raw", Channel.API, channel,
                        "raw-" + UUID.randomUUID(), ContactIdentifier.of(IdentifierType.EXTERNAL, "raw"), null,
                        List.of(), null, "where is my parcel?", null, List.of(), List.of(), null, Instant.now(),
                        Map.of()));
            }
            List<UUID> conversations = java.util.Collections.nCopies(batch, conversation);
            // the ingest's own statement: one multi-row insert per batch, one transaction per batch
            transaction.executeWithoutResult(tx -> store.insertInbound(messages, conversations));
        }
        double insertRate = records / seconds(insertStart);
        jdbc.update("DELETE FROM tenants WHERE id = ?", tenant);
        return new Result(produceRate, consumeRate, insertRate);
    }

    /** Waits until every partition of a new topic has a leader: producing earlier makes the producer retry. */
    private static void awaitLeaders(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                if (description.partitions().stream().allMatch(partition -> partition.leader() != null)) {
                    return;
                }
                Thread.sleep(100);
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
