package com.custarea.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.PipelineIntegrationTest;
import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

class PipelineEndToEndIT extends PipelineIntegrationTest {

    @Test
    void messageTravelsFromTheApiChannelToTheCallbackAndItsStatusOnlyMovesForward() {
        TestChannel channel = newApiChannel(true);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));

        var accepted = client.postMessage(channel.channelId(), channel.secret(), """
                {"messageId":"order-question-1","sender":{"id":"cust-1","name":"Ada Lovelace",
                 "email":"Ada@Example.com"},"text":"Where is my order?","metadata":{"page":"checkout"}}
                """);

        assertThat(accepted.statusCode()).isEqualTo(202);
        JsonNode acceptedBody = PayloadJson.tree(accepted.body());
        assertThat(acceptedBody.get("status").asText()).isEqualTo("accepted");
        assertThat(acceptedBody.get("messageId").asText()).isEqualTo("order-question-1");
        assertThat(accepted.headers().firstValue(ApiChannelHeaders.CORRELATION_ID)).isPresent();

        Map<String, Object> inbound = await().atMost(Duration.ofSeconds(30)).until(() -> rows("""
                SELECT m.id, m.text, m.status, m.conversation_id, c.contact_id, ct.name
                FROM messages m JOIN conversations c ON c.id = m.conversation_id
                JOIN contacts ct ON ct.id = c.contact_id
                WHERE m.tenant_id = :tenant AND m.direction = 'inbound'
                """, Map.of("tenant", channel.tenantId())), rows -> rows.size() == 1).get(0);
        assertThat(inbound.get("text")).isEqualTo("Where is my order?");
        assertThat(inbound.get("status")).isEqualTo("received");
        assertThat(inbound.get("name")).isEqualTo("Ada Lovelace");
        assertThat(rows("SELECT type, value FROM contact_identifiers WHERE contact_id = :contact ORDER BY type",
                Map.of("contact", inbound.get("contact_id"))))
                .extracting(row -> row.get("type") + "=" + row.get("value"))
                .containsExactly("email=ada@example.com", "external=cust-1");

        LoggedRequest callback = await().atMost(Duration.ofSeconds(30)).until(() -> TENANT_SYSTEMS
                .findAll(postRequestedFor(urlPathEqualTo(channel.callbackPath()))), list -> !list.isEmpty()).get(0);
        JsonNode callbackBody = PayloadJson.tree(callback.getBodyAsString());
        assertThat(callbackBody.get("text").asText()).isEqualTo("Echo: Where is my order?");
        assertThat(callbackBody.get("conversationId").asText()).isEqualTo(inbound.get("conversation_id").toString());
        assertThat(callbackBody.get("recipient").get("value").asText()).isEqualTo("cust-1");
        long timestamp = Long.parseLong(callback.getHeader(ApiChannelHeaders.TIMESTAMP));
        assertThat(callback.getHeader(ApiChannelHeaders.SIGNATURE)).isEqualTo(ApiChannelHeaders.SIGNATURE_PREFIX
                + HmacSignatures.timestampedSha256Hex(channel.secret(), timestamp,
                callback.getBodyAsString().getBytes(StandardCharsets.UTF_8)));
        UUID replyId = UUID.fromString(callback.getHeader(ApiChannelHeaders.DELIVERY_ID));
        assertThat(callbackBody.get("messageId").asText()).isEqualTo(replyId.toString());

        awaitStatus(channel, replyId, "sent");
        assertThat(client.postStatus(channel.channelId(), channel.secret(),
                "{\"messageId\":\"" + replyId + "\",\"status\":\"read\"}").statusCode()).isEqualTo(202);
        awaitStatus(channel, replyId, "read");
        assertThat(client.postStatus(channel.channelId(), channel.secret(),
                "{\"messageId\":\"" + replyId + "\",\"status\":\"delivered\"}").statusCode()).isEqualTo(202);
        assertThat(client.postStatus(channel.channelId(), channel.secret(),
                "{\"messageId\":\"" + replyId + "\",\"status\":\"failed\"}").statusCode()).isEqualTo(202);

        String conversationId = inbound.get("conversation_id").toString();
        // the late "delivered" and "failed" went through the pipeline and changed nothing
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(topics.readAll(
                Topics.DELIVERY_STATUS.name(), record -> record.key().equals(replyId.toString()))).hasSize(4));
        awaitStatus(channel, replyId, "read");
        List<String> events = topics.readAll(Topics.CONVERSATION_EVENTS.name(),
                record -> record.key().equals(conversationId)).stream()
                .map(record -> PayloadJson.tree(record.value()))
                .map(event -> event.get("type").asText() + (event.has("status") ? ":" + event.get("status").asText()
                        : ""))
                .toList();
        assertThat(events).containsExactly("conversation.created", "message.created:received",
                "message.created:queued", "message.status_changed:sent", "message.status_changed:read");
    }

    @Test
    void aSecondMessageFromTheSameSenderJoinsTheOpenConversation() {
        TestChannel channel = newApiChannel(false);
        for (String id : List.of("first", "second")) {
            assertThat(client.postMessage(channel.channelId(), channel.secret(),
                    "{\"messageId\":\"" + id + "\",\"sender\":{\"phone\":\"+44 20 7946 0958\"},\"text\":\"" + id
                            + "\"}").statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rows(
                "SELECT conversation_id FROM messages WHERE tenant_id = :tenant",
                Map.of("tenant", channel.tenantId())), rows -> rows.size() == 2);
        assertThat(rows("SELECT DISTINCT conversation_id FROM messages WHERE tenant_id = :tenant",
                Map.of("tenant", channel.tenantId()))).hasSize(1);
        assertThat(rows("SELECT recipient_value FROM conversations WHERE tenant_id = :tenant",
                Map.of("tenant", channel.tenantId()))).extracting(row -> row.get("recipient_value"))
                .containsExactly("+442079460958");
        // the agent is off on this channel: nothing was queued to send
        assertThat(rows("SELECT id FROM messages WHERE tenant_id = :tenant AND direction = 'outbound'",
                Map.of("tenant", channel.tenantId()))).isEmpty();
    }

    private void awaitStatus(TestChannel channel, UUID messageId, String status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT status FROM messages WHERE id = :id AND tenant_id = :tenant",
                Map.of("id", messageId, "tenant", channel.tenantId()), String.class)).isEqualTo(status));
    }
}
