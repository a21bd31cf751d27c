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
        JsonNode readiness = PayloadJson.tree(client.get("/actuator/health/readiness").body());
        assertThat(readiness.get("status").asText()).isEqualTo("UP");
        // readiness follows Kafka and PostgreSQL; liveness follows neither, so an outage takes instances out of
        // the load balancer without restarting them
        assertThat(readiness.get("components").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("db", "kafka", "readinessState");
        assertThat(PayloadJson.tree(client.get("/actuator/health/liveness").body()).get("components").fieldNames())
                .toIterable().containsExactly("livenessState");
    }

    @Test
    void pipelineStateAndRefusedSignaturesAreExportedToPrometheus() {
        TestChannel channel = newApiChannel(false);
        assertThat(client.postMessage(channel.channelId(), randomSecret(),
                "{\"messageId\":\"forged\",\"sender\":{\"id\":\"x\"},\"text\":\"hi\"}").statusCode())
                .isEqualTo(401);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.get("/actuator/prometheus")
                .body()).contains("custarea_webhooks_rejected_total{")
                .contains("provider=\"api\",reason=\"invalid-signature\"")
                .contains("custarea_dlq_depth_records{")
                .contains("custarea_send_ledger_messages{"));
        // the dashboard's always-present series exist under the names it queries
        String scraped = client.get("/actuator/prometheus").body();
        for (String series : new String[] {"custarea_kafka_consumer_lag_records", "camel_exchanges_total",
                "camel_exchanges_failed_total", "camel_route_policy_seconds_sum", "custarea_stage_batch_seconds"}) {
            assertThat(scraped).as(series).contains(series + "{");
        }
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
