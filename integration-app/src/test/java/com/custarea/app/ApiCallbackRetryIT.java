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
import com.custarea.routes.support.CustAreaHeaders;
import com.custarea.schemas.Channel;
import com.custarea.schemas.Topics;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The API channel's callbacks: transient failures are retried (after Retry-After), then parked and tried again
 * until the park limit; refusals and what is given up on are dead-lettered.
 */
class ApiCallbackRetryIT extends PipelineIntegrationTest {

    @Test
    void aCallbackThatFailsTransientlyIsRetriedNoSoonerThanRetryAfterAndThenSent() {
        TestChannel channel = newApiChannel(true);
        String path = channel.callbackPath();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")).willSetStateTo("busy"));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs("busy")
                .willReturn(aResponse().withStatus(429)).willSetStateTo("up"));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));

        assertThat(client.postMessage(channel.channelId(), channel.secret(),
                "{\"messageId\":\"r-1\",\"sender\":{\"id\":\"patient\"},\"text\":\"are you there?\"}").statusCode())
                .isEqualTo(202);

        UUID replyId = awaitReplyStatus(channel, "sent");
        List<LoggedRequest> attempts = TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertThat(attempts).hasSize(3).allSatisfy(attempt -> assertThat(attempt.getHeader(
                ApiChannelHeaders.DELIVERY_ID)).isEqualTo(replyId.toString()));
        long waitedMs = attempts.get(1).getLoggedDate().getTime() - attempts.get(0).getLoggedDate().getTime();
        assertThat(waitedMs).as("the second attempt honoured Retry-After: 1").isGreaterThanOrEqualTo(1000);
        assertThat(jdbc.queryForObject("SELECT state FROM send_ledger WHERE message_id = :id",
                Map.of("id", replyId), String.class)).isEqualTo("sent");
    }

    @Test
    void aCallbackThatKeepsFailingPastTheParkLimitMarksTheMessageFailedAndDeadLettersIt() {
        TestChannel channel = newApiChannel(true);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath()))
                .willReturn(aResponse().withStatus(500)));

        assertThat(client.postMessage(channel.channelId(), channel.secret(),
                "{\"messageId\":\"r-2\",\"sender\":{\"id\":\"unlucky\"},\"text\":\"hello?\"}").statusCode())
                .isEqualTo(202);

        UUID replyId = awaitReplyStatus(channel, "failed");
        // the first try and two retries (custarea.providers.max-retries=2 in the tests), then parked and tried
        // again until custarea.providers.park-limit (20 s in the tests) has passed
        assertThat(TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(channel.callbackPath()))).size())
                .isGreaterThan(3).isEqualTo(TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(
                        channel.callbackPath()))).stream().filter(request -> request.getHeader(
                        ApiChannelHeaders.DELIVERY_ID).equals(replyId.toString())).count());
        assertThat(rows("SELECT message_id FROM parked_sends WHERE message_id = :id", Map.of("id", replyId)))
                .as("forgotten once given up").isEmpty();
        assertThat(jdbc.queryForObject("SELECT error_code FROM messages WHERE id = :id", Map.of("id", replyId),
                String.class)).isEqualTo("http-500");
        List<ConsumerRecord<String, String>> deadLetters = topics.readAll(
                Topics.outbound(Channel.API).deadLetterTopic(), record -> record.value().contains(replyId.toString()));
        assertThat(deadLetters).hasSize(1);
        assertThat(new String(deadLetters.get(0).headers().lastHeader(CustAreaHeaders.DLQ_ERROR_MESSAGE).value(),
                StandardCharsets.UTF_8)).contains("500");
    }

    @Test
    void aCallbackRefusedForGoodIsNotRetried() {
        TestChannel channel = newApiChannel(true);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath()))
                .willReturn(aResponse().withStatus(422)));

        assertThat(client.postMessage(channel.channelId(), channel.secret(),
                "{\"messageId\":\"r-3\",\"sender\":{\"id\":\"refused\"},\"text\":\"hello?\"}").statusCode())
                .isEqualTo(202);

        awaitReplyStatus(channel, "failed");
        assertThat(TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(channel.callbackPath())))).hasSize(1);
    }

    private UUID awaitReplyStatus(TestChannel channel, String status) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForList(
                "SELECT id FROM messages WHERE tenant_id = :tenant AND direction = 'outbound' AND status = :status",
                Map.of("tenant", channel.tenantId(), "status", status), UUID.class), ids -> ids.size() == 1).get(0);
    }
}
