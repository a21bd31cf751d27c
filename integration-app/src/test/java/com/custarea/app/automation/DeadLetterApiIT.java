package com.custarea.app.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.routes.support.CustAreaHeaders;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DeadLetterApiIT extends DashboardIntegrationTest {

    @Test
    void anAdminSeesTheTenantsDeadLettersAndAReplayAfterTheFixProcessesThemOnce() throws Exception {
        Session admin = registerTenant();
        Session other = registerTenant();
        UUID channelId = UUID.randomUUID();
        InboundMessage message = new InboundMessage(UUID.randomUUID(), admin.tenantId(), Instant.now(),
                InboundMessage.SCHEMA_VERSION, "dlq-test", Channel.API, channelId, "dlq-1",
                ContactIdentifier.of(IdentifierType.EXTERNAL, "dlq-sender"), null, List.of(), null, "stuck", null,
                List.of(), List.of(), null, Instant.now(), Map.of());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.INBOUND_MESSAGES.name(),
                    Topics.INBOUND_MESSAGES.keyFor(message), PayloadJson.write(message))).get();
        }

        // the channel does not exist (yet): the record is dead-lettered
        await().atMost(Duration.ofSeconds(30)).until(() -> count(admin, "inbound.messages") == 1);
        JsonNode record = api.get("/api/ops/dlq/inbound.messages", admin.accessToken()).json().get("records").get(0);
        assertThat(record.get("headers").get(CustAreaHeaders.DLQ_ERROR_CLASS).asText())
                .endsWith("UnknownChannelException");
        assertThat(record.get("headers").get(CustAreaHeaders.DLQ_STAGE).asText()).isEqualTo("ingest");
        assertThat(record.get("value").get("providerMessageId").asText()).isEqualTo("dlq-1");
        assertThat(record.get("replayed").asBoolean()).isFalse();
        // another tenant's admin sees none of it and cannot replay it
        assertThat(count(other, "inbound.messages")).isZero();
        assertThat(api.post("/api/ops/dlq/inbound.messages/replay", other.accessToken(), null).json()
                .get("replayed").asInt()).isZero();
        assertThat(api.get("/api/ops/dlq/no.such.topic", admin.accessToken()).status()).isEqualTo(404);
        assertThat(api.get("/api/ops/dlq", inviteAgent(admin).accessToken()).status()).isEqualTo(403);

        // the fix: the channel is restored
        jdbc.update("INSERT INTO channels (id, tenant_id, type, name) VALUES (:id, :tenant, 'api', 'Restored')",
                Map.of("id", channelId, "tenant", admin.tenantId()));
        channels.updateSettings(admin.tenantId(), channelId, Map.of());
        JsonClient.Answer replay = api.post("/api/ops/dlq/inbound.messages/replay", admin.accessToken(),
                json(Map.of("records", List.of(Map.of("partition", record.get("partition").asInt(),
                        "offset", record.get("offset").asLong())))));
        assertThat(replay.status()).as(replay.raw().body()).isEqualTo(202);
        assertThat(replay.json().get("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(rows(
                "SELECT text FROM messages WHERE tenant_id = :t", Map.of("t", admin.tenantId())))
                .extracting(row -> row.get("text")).containsExactly("stuck"));
        assertThat(api.post("/api/ops/dlq/inbound.messages/replay", admin.accessToken(), null).json()
                .get("replayed").asInt()).as("replaying again publishes nothing").isZero();
        JsonNode summary = api.get("/api/ops/dlq", admin.accessToken()).json().get("topics");
        assertThat(summary).anySatisfy(topic -> {
            assertThat(topic.get("topic").asText()).isEqualTo("inbound.messages");
            assertThat(topic.get("replayed").asInt()).isEqualTo(1);
        });
        assertThat(rows("SELECT id FROM messages WHERE tenant_id = :t", Map.of("t", admin.tenantId()))).hasSize(1);
    }

    private int count(Session session, String topic) {
        for (JsonNode row : api.get("/api/ops/dlq", session.accessToken()).json().get("topics")) {
            if (row.get("topic").asText().equals(topic)) {
                return row.get("count").asInt();
            }
        }
        throw new AssertionError("No topic " + topic);
    }
}
