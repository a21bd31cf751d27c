package com.custarea.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.support.HmacSignatures;

/**
 * An open-loop load generator for the API channel: message n is due at start + n/rate whatever happened to the
 * ones before, and latency counts from when it was due, so a slow system cannot hide its queueing delay.
 */
final class LoadGenerator {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final String secret;
    private final AtomicLong nextId;

    /** When each message was due (System.nanoTime), by benchmark id. */
    final Map<Long, Long> dueAt = new ConcurrentHashMap<>();
    final LatencyRecorder ackLatency = new LatencyRecorder();
    final AtomicLong failures = new AtomicLong();

    LoadGenerator(String baseUrl, UUID channelId, String secret, long firstId) {
        this.endpoint = URI.create(baseUrl + "/api/channels/api/" + channelId + "/messages");
        this.secret = secret;
        this.nextId = new AtomicLong(firstId);
    }

    /** Offers {@code rate} messages per second for {@code duration}; returns the ids sent. */
    List<Long> run(int rate, Duration duration, int senders) throws InterruptedException {
        long count = (long) rate * duration.toSeconds();
        long first = nextId.getAndAdd(count);
        long start = System.nanoTime() + 50_000_000L;
        double intervalNanos = 1e9 / rate;
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            threads.add(new Thread(() -> {
                for (long n = sender; n < count; n += senders) {
                    long due = start + (long) (n * intervalNanos);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    send(first + n, due);
                }
            }, "bench-sender-" + s));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        List<Long> ids = new ArrayList<>();
        for (long n = 0; n < count; n++) {
            ids.add(first + n);
        }
        return ids;
    }

    private void send(long id, long due) {
        dueAt.put(id, due);
        String body = "{\"messageId\":\"bench-" + id + "\",\"sender\":{\"id\":\"bench-user-" + (id % 1000)
                + "\"},\"text\":\"bench-" + id + " where is my parcel?\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header(ApiChannelHeaders.TIMESTAMP, Long.toString(timestamp))
                .header(ApiChannelHeaders.SIGNATURE, ApiChannelHeaders.SIGNATURE_PREFIX
                        + HmacSignatures.timestampedSha256Hex(secret, timestamp, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 202) {
                failures.incrementAndGet();
            }
        } catch (Exception e) {
            failures.incrementAndGet();
        }
        ackLatency.record((System.nanoTime() - due) / 1000);
    }
}
