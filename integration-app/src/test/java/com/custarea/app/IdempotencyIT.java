package com.custarea.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.PipelineIntegrationTest;
import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.conversations.OutboundReplies;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

class IdempotencyIT extends PipelineIntegrationTest {

    @Autowired
    OutboundReplies replies;

    @Autowired
    TransactionTemplate transaction;

    @Test
    void theSameInboundMessagePostedTwiceIsStoredOnce() {
        TestChannel channel = newApiChannel(false);
        String body = "{\"messageId\":\"retry-me\",\"sender\":{\"id\":\"u-1\"},\"text\":\"Hello\"}";

        assertThat(client.postMessage(channel.channelId(), channel.secret(), body).statusCode()).isEqualTo(202);
        assertThat(client.postMessage(channel.channelId(), channel.secret(), body).statusCode()).isEqualTo(202);

        // both records reached the topic; the pipeline stored one message
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(topics.readAll(
                Topics.INBOUND_MESSAGES.name(), record -> record.value().contains(channel.channelId().toString())))
                .hasSize(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> messageCount(channel) == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> messageCount(channel) == 1);
        assertThat(rows("SELECT id FROM conversations WHERE tenant_id = :tenant", Map.of("tenant",
                channel.tenantId()))).hasSize(1);
    }

    @Test
    void anOutboundRecordConsumedTwiceCallsTheProviderOnce() throws Exception {
        TestChannel channel = newApiChannel(false);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(204)));
        assertThat(client.postMessage(channel.channelId(), channel.secret(),
                "{\"messageId\":\"q\",\"sender\":{\"id\":\"u-2\"},\"text\":\"Question\"}").statusCode())
                .isEqualTo(202);
        UUID conversationId = await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                "SELECT id FROM conversations WHERE tenant_id = :tenant", Map.of("tenant", channel.tenantId()),
                UUID.class), ids -> ids.size() == 1).get(0);
        UUID replyId = UUID.randomUUID();
        List<OutgoingRecord> records = transaction.execute(tx -> replies.queue(channel.tenantId(), conversationId,
                replyId, "agent", "Answer", "corr-twice", null).orElseThrow());
        OutgoingRecord outbound = records.stream()
                .filter(record -> record.topic().equals(Topics.outbound(Channel.API).name())).findFirst().orElseThrow();

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(outbound.topic(), outbound.key(), outbound.value())).get();
            producer.send(new ProducerRecord<>(outbound.topic(), outbound.key(), outbound.value())).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT status FROM messages WHERE id = :id", Map.of("id", replyId), String.class)).isEqualTo("sent"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo(channel.callbackPath()))
                        .withHeader(ApiChannelHeaders.DELIVERY_ID,
                                com.github.tomakehurst.wiremock.client.WireMock.equalTo(replyId.toString())))
                .size() == 1);
        assertThat(jdbc.queryForObject("SELECT attempts FROM send_ledger WHERE message_id = :id",
                Map.of("id", replyId), Integer.class)).isEqualTo(1);
    }

    private int messageCount(TestChannel channel) {
        return jdbc.queryForObject("SELECT count(*) FROM messages WHERE tenant_id = :tenant",
                Map.of("tenant", channel.tenantId()), Integer.class);
    }
}
