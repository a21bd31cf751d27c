package com.custarea.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class OpsIT extends DashboardIntegrationTest {

    @Test
    void healthReportsEachInfrastructureServiceUp() {
        JsonNode health = PayloadJson.tree(client.get("/actuator/health").body());

        assertThat(health.get("status").asText()).isEqualTo("UP");
        for (String component : new String[] {"kafka", "db", "mongo"}) {
            assertThat(health.get("components").get(component).get("status").asText())
                    .as(component).isEqualTo("UP");
        }
        assertThat(PayloadJson.tree(client.get("/actuator/health/readiness").body()).get("status").asText())
                .isEqualTo("UP");
    }

    @Test
    void lagIsServedPerGroupTopicAndPartitionAndExportedToPrometheus() {
        Session admin = registerTenant();
        TestChannel channel = newApiChannel(false);
        assertThat(client.postMessage(channel.channelId(), channel.secret(),
                "{\"messageId\":\"lag\",\"sender\":{\"id\":\"ops\"},\"text\":\"hi\"}").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode lag = api.get("/api/ops/lag", admin.accessToken()).json();
            assertThat(lag.get("partitions")).anySatisfy(partition -> {
                assertThat(partition.get("group").asText()).isEqualTo("custarea-ingest");
                assertThat(partition.get("topic").asText()).isEqualTo("inbound.messages");
                assertThat(partition.get("endOffset").asLong()).isPositive();
            });
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.get("/actuator/prometheus")
                .body()).contains("custarea_kafka_consumer_lag_records{")
                .contains("group=\"custarea-ingest\",partition="));
    }
}
