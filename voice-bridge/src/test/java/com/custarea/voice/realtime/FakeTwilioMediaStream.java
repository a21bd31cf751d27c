package com.custarea.voice.realtime;

import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.ws.WholeTextListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Twilio's side of a bidirectional Media Stream, for tests: sends connected, start, media and stop as Twilio does,
 * records what the bridge sends, and echoes the bridge's marks as Twilio does once the audio before them has played
 * (here: the first {@link #echoMarks(int) n} at once, the others held until a {@code clear}, which echoes them, as
 * Twilio does for the marks of the audio it flushed).
 */
final class FakeTwilioMediaStream {

    final String streamSid = "MZ" + Long.toHexString(System.nanoTime()) + "0000000000000000";
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<String> echoed = new CopyOnWriteArrayList<>();
    private final List<String> held = new ArrayList<>();
    private final AtomicInteger marksToEcho = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger chunk = new AtomicInteger();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fake-twilio-media");
        thread.setDaemon(true);
        return thread;
    });
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** Twilio's end of the socket, to connect with. */
    final WholeTextListener listener = new WholeTextListener(this::receive,
            (statusCode, reason) -> closed.complete(statusCode), error -> closed.completeExceptionally(error));

    /** From now on, echo only the next {@code count} marks (the others wait for a clear). */
    void echoMarks(int count) {
        marksToEcho.set(count);
    }

    /** Echoes every mark from now on, the held ones too. */
    void echoAllMarks() {
        marksToEcho.set(Integer.MAX_VALUE);
        List<String> release;
        synchronized (held) {
            release = List.copyOf(held);
            held.clear();
        }
        release.forEach(this::echo);
    }

    void connected() {
        send(PayloadJson.mapper().createObjectNode().put("event", "connected").put("protocol", "Call")
                .put("version", "1.0.0"));
    }

    void start(String callSid, String accountSid) {
        ObjectNode start = message("start");
        ObjectNode body = start.putObject("start").put("streamSid", streamSid).put("accountSid", accountSid)
                .put("callSid", callSid);
        body.putArray("tracks").add("inbound");
        body.putObject("customParameters");
        body.putObject("mediaFormat").put("encoding", "audio/x-mulaw").put("sampleRate", 8000).put("channels", 1);
        send(start);
    }

    void media(String payload) {
        int number = chunk.incrementAndGet();
        ObjectNode media = message("media");
        media.putObject("media").put("track", "inbound").put("chunk", String.valueOf(number))
                .put("timestamp", String.valueOf(number * 20)).put("payload", payload);
        send(media);
    }

    void stop(String callSid, String accountSid) {
        ObjectNode stop = message("stop");
        stop.putObject("stop").put("accountSid", accountSid).put("callSid", callSid);
        send(stop);
    }

    List<JsonNode> received() {
        return List.copyOf(received);
    }

    List<JsonNode> received(String event) {
        return received.stream().filter(message -> event.equals(message.path("event").asText())).toList();
    }

    /** The payloads of the media the bridge sent, in order. */
    List<String> mediaPayloads() {
        return received("media").stream().map(message -> message.path("media").path("payload").asText()).toList();
    }

    /** The names of the marks echoed so far. */
    List<String> echoed() {
        return List.copyOf(echoed);
    }

    /** Closes the socket as Twilio does after a stop. */
    void close() {
        sender.submit(() -> listener.socket().sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS));
    }

    /** Records a message of the bridge, and echoes or holds its marks as Twilio would. */
    private void receive(String text) {
        JsonNode message = PayloadJson.tree(text);
        received.add(message);
        switch (message.path("event").asText()) {
            case "mark" -> {
                String name = message.path("mark").path("name").asText();
                if (marksToEcho.getAndDecrement() > 0) {
                    echo(name);
                } else {
                    synchronized (held) {
                        held.add(name);
                    }
                }
            }
            case "clear" -> {
                List<String> flushed;
                synchronized (held) {
                    flushed = List.copyOf(held);
                    held.clear();
                }
                flushed.forEach(this::echo);
            }
            default -> {
                // recorded
            }
        }
    }

    private void echo(String name) {
        echoed.add(name);
        ObjectNode mark = message("mark");
        mark.putObject("mark").put("name", name);
        send(mark);
    }

    private ObjectNode message(String event) {
        return PayloadJson.mapper().createObjectNode().put("event", event)
                .put("sequenceNumber", String.valueOf(sequence.incrementAndGet())).put("streamSid", streamSid);
    }

    /** Sends in order, one at a time (the JDK's WebSocket takes one send at a time), off the listener's thread. */
    private void send(ObjectNode message) {
        String text = PayloadJson.write(message);
        sender.submit(() -> listener.socket().sendText(text, true).get(5, TimeUnit.SECONDS));
    }
}
