package com.custarea.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.custarea.app.support.DashboardIntegrationTest;
import org.junit.jupiter.api.Test;

/** GET /api/events: each tenant's stream carries its own conversation events, and resumes after a gap. */
class EventStreamIT extends DashboardIntegrationTest {

    @Test
    void aMessageReachesItsOwnTenantsStreamAndNotAnothers() {
        Session mine = registerTenant();
        Session theirs = registerTenant();
        TestChannel channel = apiChannelOf(mine, false);
        try (Stream mineStream = open(mine.accessToken(), null); Stream theirStream = open(theirs.accessToken(), null)) {
            assertThat(client.postMessage(channel.channelId(), channel.secret(),
                    "{\"messageId\":\"sse-1\",\"sender\":{\"id\":\"live\"},\"text\":\"live update please\"}")
                    .statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> mineStream.lines().stream()
                    .anyMatch(line -> line.startsWith("data:") && line.contains("live update please")));
            assertThat(mineStream.lines()).contains("event:message.created", "event:conversation.created");
            String lastId = mineStream.lines().stream().filter(line -> line.startsWith("id:"))
                    .reduce((first, second) -> second).orElseThrow().substring(3);

            // after a short gap, a reconnect with Last-Event-ID gets what it missed
            assertThat(client.postMessage(channel.channelId(), channel.secret(),
                    "{\"messageId\":\"sse-2\",\"sender\":{\"id\":\"live\"},\"text\":\"while you were away\"}")
                    .statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> mineStream.lines().stream()
                    .anyMatch(line -> line.contains("while you were away")));
            try (Stream resumed = open(mine.accessToken(), lastId)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> resumed.lines().stream()
                        .anyMatch(line -> line.contains("while you were away")));
                assertThat(resumed.lines()).noneMatch(line -> line.contains("live update please"));
            }
            assertThat(theirStream.lines()).noneMatch(line -> line.startsWith("data:"));
        }
    }

    @Test
    void theStreamNeedsAToken() {
        assertThat(api.get("/api/events", null).status()).isEqualTo(401);
    }

    private Stream open(String token, String lastEventId) {
        return new Stream(port, token, lastEventId);
    }

    /** An open event stream, its lines collected as they arrive. */
    private static final class Stream implements AutoCloseable {

        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;

        Stream(int port, String token, String lastEventId) {
            // EventSource cannot set headers, so the stream also takes the token as a query parameter
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/events?access_token=" + token)).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId.trim());
            }
            response = HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
            response.thenAccept(answer -> answer.body().forEach(line -> lines.add(line.replace(": ", ":"))));
            await().atMost(Duration.ofSeconds(10)).until(response::isDone);
            assertThat(response.join().statusCode()).isEqualTo(200);
        }

        List<String> lines() {
            return lines;
        }

        @Override
        public void close() {
            response.thenAccept(answer -> answer.body().close());
        }
    }
}
