package com.custarea.routes.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookDispatcherTest {

    private WireMockServer receiver;

    @BeforeEach
    void startReceiver() {
        receiver = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        receiver.start();
        receiver.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop();
    }

    @Test
    void theDefaultRetriesDoubleFromThirtySecondsToAnHourAndSpanFiveToSixHours() {
        // application.yml's defaults: 30 s, at most 1 h, 12 attempts (11 waits between them)
        WebhookDispatcher dispatcher = dispatcher(Duration.ofSeconds(30), Duration.ofHours(1), 12);
        List<Long> bases = List.of(30L, 60L, 120L, 240L, 480L, 960L, 1920L, 3600L, 3600L, 3600L, 3600L);
        for (int sample = 0; sample < 200; sample++) {
            Duration total = Duration.ZERO;
            for (int attempt = 1; attempt <= bases.size(); attempt++) {
                Duration delay = dispatcher.backoff(attempt);
                long base = bases.get(attempt - 1) * 1000;
                assertThat(delay.toMillis()).as("after attempt %d", attempt).isBetween(base, base + base / 5);
                total = total.plus(delay);
            }
            assertThat(total).isBetween(Duration.ofMinutes(303), Duration.ofMinutes(365));
        }
    }

    @Test
    void theJitterSpreadsRetriesWithinAFifthOfTheDelay() {
        WebhookDispatcher dispatcher = dispatcher(Duration.ofSeconds(30), Duration.ofHours(1), 12);
        Set<Long> delays = new HashSet<>();
        List<Long> capped = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            delays.add(dispatcher.backoff(3).toMillis());
            capped.add(dispatcher.backoff(40).toMillis());
        }
        assertThat(delays).hasSizeGreaterThan(100).allSatisfy(delay -> assertThat(delay).isBetween(120_000L,
                144_000L));
        assertThat(capped).as("far attempts stay at the cap, never overflow").allSatisfy(delay ->
                assertThat(delay).isBetween(3_600_000L, 4_320_000L));
    }

    @Test
    void aConnectionGoesToTheAddressThePolicyPassedWithTheUrlsHostKept() throws Exception {
        WebhookUrlPolicy allowed = new WebhookUrlPolicy(false, List.of("receiver.test"),
                host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});
        try (CloseableHttpClient http = WebhookDispatcher.httpClient(allowed, Duration.ofSeconds(2),
                Duration.ofSeconds(5), 4)) {
            int status = http.execute(new HttpPost("http://receiver.test:" + receiver.port() + "/hook"),
                    response -> response.getCode());
            assertThat(status).isEqualTo(204);
        }
        // receiver.test is in no DNS: the request arrived through the policy's answer, under the URL's host
        receiver.verify(1, postRequestedFor(urlPathEqualTo("/hook"))
                .withHeader("Host", equalTo("receiver.test:" + receiver.port())));
    }

    @Test
    void aNameReboundToLoopbackAfterTheCheckIsNeverConnectedTo() throws Exception {
        InetAddress[][] answers = {{InetAddress.getByName("93.184.216.34")}, {InetAddress.getByName("127.0.0.1")}};
        int[] lookups = {0};
        WebhookUrlPolicy strict = new WebhookUrlPolicy(false, List.of(),
                host -> answers[Math.min(lookups[0]++, 1)]);
        String url = "http://rebound.test:" + receiver.port() + "/hook";
        assertThat(strict.refusal(url)).as("public when checked").isEmpty();
        try (CloseableHttpClient http = WebhookDispatcher.httpClient(strict, Duration.ofSeconds(2),
                Duration.ofSeconds(5), 4)) {
            assertThatThrownBy(() -> http.execute(new HttpPost(url), response -> response.getCode()))
                    .isInstanceOf(WebhookUrlPolicy.RefusedAddressException.class)
                    .hasMessageContaining("127.0.0.1");
        }
        assertThat(lookups[0]).isEqualTo(2);
        receiver.verify(0, postRequestedFor(urlPathEqualTo("/hook")));
    }

    private static WebhookDispatcher dispatcher(Duration initialDelay, Duration maxDelay, int maxAttempts) {
        return new WebhookDispatcher(null, null, new WebhookUrlPolicy(false, List.of()), new SimpleMeterRegistry(),
                32, Duration.ofSeconds(5), Duration.ofSeconds(10), initialDelay, maxDelay, maxAttempts);
    }
}
