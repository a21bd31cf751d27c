package com.custarea.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedServicesTest {

    @TempDir
    Path dataDir;

    @Test
    void everyServiceKeepsItsDataAcrossARestart() throws Exception {
        EmbeddedServices.stopAllOnJvmExit();
        String bootstrap = EmbeddedServices.kafka(dataDir, 0).bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("restart.check", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("restart.check", "k", "kept")).get();
        }
        String jdbc = EmbeddedServices.postgres(dataDir, 0, "custarea", false).jdbcUrl();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text)");
            s.execute("INSERT INTO kept VALUES ('row')");
        }
        String mongoUri = EmbeddedServices.mongo(dataDir, 0).connectionString("kb");
        try (MongoClient client = MongoClients.create(mongoUri)) {
            client.getDatabase("kb").getCollection("docs").insertOne(new Document("title", "kept"));
        }

        assertThat(EmbeddedServices.kafka(dataDir, 0).bootstrapServers()).isEqualTo(bootstrap);
        EmbeddedServices.stop(dataDir);

        String bootstrapAgain = EmbeddedServices.kafka(dataDir, 0).bootstrapServers();
        Properties consumerProps = new Properties();
        consumerProps.put("bootstrap.servers", bootstrapAgain);
        consumerProps.put("group.id", "restart-check");
        consumerProps.put("auto.offset.reset", "earliest");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapAgain))) {
            assertThat(admin.listTopics().names().get()).contains("restart.check");
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps,
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of("restart.check"));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                records = consumer.poll(Duration.ofMillis(500));
            }
            assertThat(records.iterator().next().value()).isEqualTo("kept");
        }
        String jdbcAgain = EmbeddedServices.postgres(dataDir, 0, "custarea", false).jdbcUrl();
        try (Connection c = DriverManager.getConnection(jdbcAgain, "postgres", "");
             Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT v FROM kept")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("row");
        }
        try (MongoClient client = MongoClients.create(EmbeddedServices.mongo(dataDir, 0).connectionString("kb"))) {
            assertThat(client.getDatabase("kb").getCollection("docs").find().first().getString("title"))
                    .isEqualTo("kept");
        }
        EmbeddedServices.stop(dataDir);
    }
}
