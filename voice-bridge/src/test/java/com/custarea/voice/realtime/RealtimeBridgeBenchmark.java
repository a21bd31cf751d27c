package com.custarea.voice.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallMode;
import com.custarea.voice.lines.VoiceLine;
import com.custarea.voice.support.VoiceBridgeIntegrationTest;
import com.custarea.voice.ws.WholeTextListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The realtime mode under load (a benchmark, not part of the test run): concurrent calls stream 20 ms μ-law frames
 * through the bridge to a fake OpenAI Realtime server that echoes each frame back as model audio, and the time from
 * Twilio's frame to the echoed frame is compared with the same streams sent straight to the fake server in the same
 * run. Prints p50/p99 of both, what the bridge adds, and frames lost. Run:
 * {@code ./mvnw -B -pl voice-bridge verify -Dit.test=RealtimeBridgeBenchmark -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.calls=50 -Dbench.seconds=20]} (after an install of the modules it
 * needs; see bench/README.md).
 */
class RealtimeBridgeBenchmark extends VoiceBridgeIntegrationTest {

    private static final int FRAME_BYTES = 160;
    private static final long FRAME_MILLIS = 20;

    @Test
    void concurrentCallsThroughTheRealtimeMode() throws Exception {
        int calls = Integer.getInteger("bench.calls", 50);
        int seconds = Integer.getInteger("bench.seconds", 20);
        try (FakeOpenAiRealtimeServer model = FakeOpenAiRealtimeServer.start(REALTIME_FAKE_PORT, OPENAI_KEY)
                .replyAfterAppends(0).echoAudio(true)) {
            // a tenant may have 10 calls at once: ten calls per line
            List<VoiceLine> lines = new ArrayList<>();
            for (int i = 0; i < (calls + 9) / 10; i++) {
                VoiceLine line = newLine(CallMode.REALTIME);
                newAgent(line, "Bench", "", List.of("handoff_to_human"));
                lines.add(line);
            }
            // warm both paths up (JIT, connections) before measuring
            measure(Math.min(calls, 5), 2, this::direct, lines);
            measure(Math.min(calls, 5), 2, this::bridged, lines);

            Result baseline = measure(calls, seconds, this::direct, lines);
            Result bridged = measure(calls, seconds, this::bridged, lines);

            System.out.printf(Locale.ROOT, "%n=== realtime mode: %d concurrent calls, %d s of 20 ms frames each ===%n",
                    calls, seconds);
            System.out.println(baseline.describe("baseline (straight to the fake model)"));
            System.out.println(bridged.describe("through the bridge"));
            System.out.printf(Locale.ROOT, "added by the bridge per frame (round trip, both directions): p50 %.2f ms,"
                            + " p99 %.2f ms; ratio p99 %.2f; frames lost %d of %d%n%n",
                    bridged.percentile(50) - baseline.percentile(50), bridged.percentile(99)
                            - baseline.percentile(99), bridged.percentile(99) / Math.max(0.001,
                            baseline.percentile(99)), bridged.lost(), bridged.sent());
            assertThat(bridged.sent()).as("the benchmark sent frames").isPositive();
        }
    }

    /** Streams {@code seconds} of frames on {@code calls} calls at once and measures each frame's round trip. */
    private Result measure(int calls, int seconds, CallOpener opener, List<VoiceLine> lines) throws Exception {
        Map<String, Long> inFlight = new ConcurrentHashMap<>();
        List<long[]> latencies = new ArrayList<>();
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        List<Stream> streams = new ArrayList<>();
        for (int call = 0; call < calls; call++) {
            long[] mine = new long[(int) (seconds * 1000 / FRAME_MILLIS) + 10];
            AtomicLong count = new AtomicLong();
            latencies.add(mine);
            Consumer<String> echoed = payload -> {
                Long at = inFlight.remove(payload);
                if (at != null) {
                    long index = count.getAndIncrement();
                    if (index < mine.length) {
                        mine[(int) index] = System.nanoTime() - at;
                    }
                    received.incrementAndGet();
                }
            };
            streams.add(opener.open(lines.get(call % lines.size()), echoed));
        }
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(4);
        List<ScheduledFuture<?>> tasks = new ArrayList<>();
        long frames = seconds * 1000 / FRAME_MILLIS;
        for (int call = 0; call < calls; call++) {
            Stream stream = streams.get(call);
            int callIndex = call;
            AtomicLong frame = new AtomicLong();
            tasks.add(pacer.scheduleAtFixedRate(() -> {
                long index = frame.getAndIncrement();
                if (index >= frames) {
                    return;
                }
                String payload = payload(callIndex, index);
                inFlight.put(payload, System.nanoTime());
                stream.send(payload);
                sent.incrementAndGet();
            }, call * FRAME_MILLIS / Math.max(1, calls), FRAME_MILLIS, TimeUnit.MILLISECONDS));
        }
        await().atMost(Duration.ofSeconds(seconds + 60L)).pollInterval(Duration.ofMillis(200))
                .until(() -> sent.get() >= frames * calls);
        // what has not come back within a few seconds of the last frame is lost
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> inFlight.isEmpty()
                || received.get() >= sent.get());
        tasks.forEach(task -> task.cancel(false));
        pacer.shutdownNow();
        streams.forEach(Stream::close);
        long[] all = latencies.stream().flatMapToLong(values -> Arrays.stream(values).filter(value -> value > 0))
                .sorted().toArray();
        return new Result(all, sent.get(), sent.get() - received.get());
    }

    /** A Twilio call's Media Stream through the bridge, whose model echoes the caller's audio. */
    private Stream bridged(VoiceLine line, Consumer<String> echoed) {
        TwilioCall call = call(line);
        String streamSid = "MZ" + call.callSid().substring(2);
        WholeTextListener listener = new WholeTextListener(text -> {
            JsonNode event = PayloadJson.tree(text);
            if ("media".equals(event.path("event").asText())) {
                echoed.accept(event.path("media").path("payload").asText());
            }
        });
        WebSocket socket = connect(call, listener);
        socket.sendText(PayloadJson.write(Map.of("event", "connected", "protocol", "Call", "version", "1.0.0")),
                true).join();
        ObjectNode start = PayloadJson.mapper().createObjectNode().put("event", "start").put("sequenceNumber", "1")
                .put("streamSid", streamSid);
        start.putObject("start").put("streamSid", streamSid).put("callSid", call.callSid())
                .put("accountSid", line.accountSid()).putObject("mediaFormat").put("encoding", "audio/x-mulaw")
                .put("sampleRate", 8000).put("channels", 1);
        socket.sendText(start.toString(), true).join();
        AtomicLong chunk = new AtomicLong();
        return new Stream(payload -> {
            ObjectNode media = PayloadJson.mapper().createObjectNode().put("event", "media")
                    .put("streamSid", streamSid);
            long n = chunk.incrementAndGet();
            media.putObject("media").put("track", "inbound").put("chunk", Long.toString(n))
                    .put("timestamp", Long.toString(n * FRAME_MILLIS)).put("payload", payload);
            socket.sendText(media.toString(), true).join();
        }, () -> {
            ObjectNode stop = PayloadJson.mapper().createObjectNode().put("event", "stop").put("streamSid", streamSid);
            stop.putObject("stop").put("callSid", call.callSid()).put("accountSid", line.accountSid());
            socket.sendText(stop.toString(), true).join();
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        });
    }

    /** The same frames sent straight to the fake model: what the bridge is measured against. */
    private Stream direct(VoiceLine line, Consumer<String> echoed) {
        WholeTextListener listener = new WholeTextListener(text -> {
            JsonNode event = PayloadJson.tree(text);
            if ("response.output_audio.delta".equals(event.path("type").asText())) {
                echoed.accept(event.path("delta").asText());
            }
        });
        WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + OPENAI_KEY)
                .buildAsync(URI.create("ws://127.0.0.1:" + REALTIME_FAKE_PORT + FakeOpenAiRealtimeServer.PATH),
                        listener).join();
        return new Stream(payload -> socket.sendText(PayloadJson.write(Map.of("type", "input_audio_buffer.append",
                "audio", payload)), true).join(), () -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join());
    }

    /** A 20 ms μ-law frame that says which call and frame it is, so its echo can be matched. */
    private static String payload(int call, long frame) {
        byte[] audio = new byte[FRAME_BYTES];
        Arrays.fill(audio, (byte) 0x7F);
        for (int i = 0; i < 4; i++) {
            audio[i] = (byte) (call >>> (8 * i));
            audio[4 + i] = (byte) (frame >>> (8 * i));
        }
        return Base64.getEncoder().encodeToString(audio);
    }

    /** Opens one call's stream. */
    @FunctionalInterface
    private interface CallOpener {
        Stream open(VoiceLine line, Consumer<String> echoed);
    }

    /** One call's stream: send a frame's payload; close. */
    private record Stream(Consumer<String> sender, Runnable closer) {

        void send(String payload) {
            sender.accept(payload);
        }

        void close() {
            try {
                closer.run();
            } catch (RuntimeException ignored) {
                // the benchmark is over; a socket the far end already closed does not matter
            }
        }
    }

    /** Round trips in nanoseconds, sorted, and what was sent and lost. */
    private record Result(long[] sortedNanos, long sent, long lost) {

        double percentile(int p) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p / 100.0 * sortedNanos.length) - 1);
            return sortedNanos[Math.max(0, index)] / 1_000_000.0;
        }

        String describe(String name) {
            return String.format(Locale.ROOT, "%-40s frames %d, lost %d, round trip p50 %.2f ms, p99 %.2f ms, "
                    + "max %.2f ms", name, sent, lost, percentile(50), percentile(99),
                    sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1_000_000.0);
        }
    }
}
