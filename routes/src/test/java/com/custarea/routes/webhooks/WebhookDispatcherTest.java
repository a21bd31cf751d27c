package com.custarea.routes.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

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
        WebhookDispatcher dispatcher = dispatcher(DurationStyle.detectAndParse(WebhookDispatcher.DEFAULT_INITIAL_DELAY),
                DurationStyle.detectAndParse(WebhookDispatcher.DEFAULT_MAX_DELAY),
                WebhookDispatcher.DEFAULT_MAX_ATTEMPTS);
        // the attempts after the first wait 30 s, 1, 2 … 32 minutes, then the hour cap
        List<Long> bases = List.of(30L, 60L, 120L, 240L, 480L, 960L, 1920L, 3600L, 3600L, 3600L, 3600L);
        assertThat(bases).hasSize(WebhookDispatcher.DEFAULT_MAX_ATTEMPTS - 1);
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
    void anAnswerWhoseBodyDribblesIsTakenFromItsStatusWithoutWaitingForTheBody() throws Exception {
        HttpServer slowBody = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slowBody.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            // a byte every 100 ms for 20 s: each read gets something well within the read timeout
            try (OutputStream body = exchange.getResponseBody()) {
                for (int i = 0; i < 200; i++) {
                    body.write('.');
                    body.flush();
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                // the dispatcher closed the connection, as it should
            }
        });
        slowBody.start();
        WebhookDispatcher dispatcher = timedDispatcher(Duration.ofMillis(500), Duration.ofSeconds(1));
        try {
            long started = System.nanoTime();
            WebhookDispatcher.Reply reply = dispatcher.post(new HttpPost("http://127.0.0.1:"
                    + slowBody.getAddress().getPort() + "/hook"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(took).isLessThan(Duration.ofSeconds(1));
        } finally {
            dispatcher.stopSending();
            slowBody.stop(0);
        }
    }

    @Test
    void anAnswerWhoseHeadDribblesIsCutOffAtTheAttemptsDeadline() throws Exception {
        Duration connectTimeout = Duration.ofMillis(500);
        Duration readTimeout = Duration.ofSeconds(1);
        Duration deadline = WebhookDispatcher.attemptDeadline(connectTimeout, readTimeout);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Thread dribbler = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    // a header line every 250 ms for 20 s: the read timeout alone would never end this answer
                    for (int i = 0; i < 80; i++) {
                        out.write(("X-Wait-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(250);
                    }
                } catch (Exception e) {
                    // the dispatcher closed the connection at its deadline
                }
            }, "dribbler");
            dribbler.setDaemon(true);
            dribbler.start();
            WebhookDispatcher dispatcher = timedDispatcher(connectTimeout, readTimeout);
            try {
                long started = System.nanoTime();
                assertThatThrownBy(() -> dispatcher.post(new HttpPost("http://127.0.0.1:" + server.getLocalPort()
                        + "/hook"))).isInstanceOf(PinnedHttpClient.DeadlineException.class)
                        .hasMessageContaining("no answer within " + deadline.toMillis() + " ms");
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(took).isBetween(deadline, deadline.plusSeconds(1));
                assertThat(dispatcher.lease()).as("a claim outlasts the attempts of its batch")
                        .isGreaterThanOrEqualTo(deadline.multipliedBy(2));
            } finally {
                dispatcher.stopSending();
            }
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
        try (PinnedHttpClient http = new PinnedHttpClient(allowed, Duration.ofSeconds(2), Duration.ofSeconds(5), 4,
                0, "test")) {
            int status = http.exchange(new HttpPost("http://receiver.test:" + receiver.port() + "/hook"),
                    Duration.ofSeconds(10), response -> response.getCode());
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
        try (PinnedHttpClient http = new PinnedHttpClient(strict, Duration.ofSeconds(2), Duration.ofSeconds(5), 4, 0,
                "test")) {
            assertThatThrownBy(() -> http.exchange(new HttpPost(url), Duration.ofSeconds(10),
                    response -> response.getCode()))
                    .isInstanceOf(WebhookUrlPolicy.RefusedAddressException.class)
                    .hasMessageContaining("127.0.0.1");
        }
        assertThat(lookups[0]).isEqualTo(2);
        receiver.verify(0, postRequestedFor(urlPathEqualTo("/hook")));
    }

    /** A dispatcher that may send to loopback, with the given timeouts. */
    private static WebhookDispatcher timedDispatcher(Duration connectTimeout, Duration readTimeout) {
        return new WebhookDispatcher(null, null, new WebhookUrlPolicy(true, List.of()), new SimpleMeterRegistry(),
                4, connectTimeout, readTimeout, Duration.ofSeconds(30), Duration.ofHours(1), 12);
    }

    private static WebhookDispatcher dispatcher(Duration initialDelay, Duration maxDelay, int maxAttempts) {
        return new WebhookDispatcher(null, null, new WebhookUrlPolicy(false, List.of()), new SimpleMeterRegistry(),
                32, Duration.ofSeconds(5), Duration.ofSeconds(10), initialDelay, maxDelay, maxAttempts);
    }
}
