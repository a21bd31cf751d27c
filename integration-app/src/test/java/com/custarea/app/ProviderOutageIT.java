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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.custarea.app.support.PipelineIntegrationTest;
import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.support.ProviderCircuitBreakers;
import com.custarea.schemas.Channel;
import com.custarea.schemas.Topics;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A tenant's system that answers 429 with Retry-After, then 503 for a while, then recovers: the replies are parked
 * rather than lost or dead-lettered, no attempt comes before Retry-After, the channel's circuit opens and closes,
 * and the backlog drains.
 */
class ProviderOutageIT extends PipelineIntegrationTest {

    @Autowired
    ProviderCircuitBreakers breakers;

    @Test
    void anOutageParksTheRepliesAndTheBacklogDrainsOnceTheReceiverRecovers() {
        TestChannel channel = newApiChannel(true);
        String path = channel.callbackPath();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("down"));
        // down until the circuit has opened, however the replies are batched and retried; then up again
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs("down")
                .willReturn(aResponse().withStatus(503)));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        List<String> transitions = new CopyOnWriteArrayList<>();
        CircuitBreaker breaker = breakers.of("api", channel.channelId());
        breaker.getEventPublisher().onStateTransition(event -> transitions.add(
                event.getStateTransition().getToState().name()));

        for (int i = 0; i < 4; i++) {
            assertThat(client.postMessage(channel.channelId(), channel.secret(), "{\"messageId\":\"outage-" + i
                    + "\",\"sender\":{\"id\":\"waiting-" + i + "\"},\"text\":\"hello " + i + "\"}").statusCode())
                    .isEqualTo(202);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> transitions.contains("OPEN"));
        TENANT_SYSTEMS.setScenarioState(path, "up");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(jdbc.queryForList("""
                SELECT status FROM messages WHERE tenant_id = :tenant AND direction = 'outbound'
                """, Map.of("tenant", channel.tenantId()), String.class)).hasSize(4).containsOnly("sent"));
        assertThat(transitions).contains("OPEN", "CLOSED");
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

        List<LoggedRequest> requests = TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(path)));
        LoggedRequest throttled = requests.get(0);
        String throttledId = throttled.getHeader(ApiChannelHeaders.DELIVERY_ID);
        LoggedRequest next = requests.stream().filter(request -> request != throttled
                && request.getHeader(ApiChannelHeaders.DELIVERY_ID).equals(throttledId)).findFirst().orElseThrow();
        assertThat(next.getLoggedDate().getTime() - throttled.getLoggedDate().getTime())
                .as("no attempt before Retry-After: 2").isGreaterThanOrEqualTo(2000);
        Map<String, Long> perReply = requests.stream().collect(Collectors.groupingBy(
                request -> request.getHeader(ApiChannelHeaders.DELIVERY_ID), Collectors.counting()));
        assertThat(perReply).hasSize(4);
        assertThat(rows("SELECT message_id FROM parked_sends WHERE tenant_id = :tenant",
                Map.of("tenant", channel.tenantId()))).as("the backlog drained").isEmpty();
        assertThat(topics.readAll(Topics.outbound(Channel.API).deadLetterTopic(), record ->
                record.value().contains(channel.tenantId().toString()))).as("nothing dead-lettered").isEmpty();
    }
}
