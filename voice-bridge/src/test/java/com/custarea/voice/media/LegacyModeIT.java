package com.custarea.voice.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallMode;
import com.custarea.voice.lines.VoiceLine;
import com.custarea.voice.speech.FakeSpeechEngine;
import com.custarea.voice.support.VoiceBridgeIntegrationTest;
import com.custarea.voice.ws.WholeTextListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A legacy-mode call end to end, Twilio played by a fake Media Streams client: the line's greeting is spoken first,
 * the caller's tone is recognized (fake engine), the echo agent's answer streams in and comes back as 160-byte frames
 * with marks, talking over the bot cancels the sentence being synthesized, clears Twilio's buffer and drops the rest,
 * and the transcript reaches calls.events and the customer's conversation in order.
 */
class LegacyModeIT extends VoiceBridgeIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String FIRST = "I need help with my order";
    /** The first sentence of the echo of {@link #LONG}: the caller talks over it, and hears no more. */
    private static final String HEARD_OF_LONG = "Echo: Please read me the whole policy.";
    private static final String LONG = "Please read me the whole policy. Every section of it. All the small print too."
            + " And the appendix.";
    private static final String GREETING = "Thanks for calling. How can I help?";

    @Autowired
    MediaStreamHandler handler;

    @AfterEach
    void voiceAtFullSpeed() {
        FakeSpeechEngine.pace(Duration.ZERO);
    }

    @Test
    void speaksInFramesWithMarksStopsWhenInterruptedAndKeepsTheTranscript() throws Exception {
        FakeSpeechEngine.script(FIRST, LONG);
        VoiceLine line = newLine(CallMode.LEGACY, true, GREETING);
        var call = call(line);
        FakeTwilio twilio = new FakeTwilio("MZ" + UUID.randomUUID().toString().replace("-", ""), call.callSid(),
                line.accountSid());
        twilio.socket = connect(call, twilio.listener);
        twilio.connected();
        twilio.start();

        // The line's greeting is spoken first, a sentence at a time: let it play out (echo its marks) so the caller
        // does not barge in on it.
        await().atMost(PATIENCE).until(() -> twilio.since(0, "mark").size() == 2);
        assertThat(FakeSpeechEngine.spoken()).containsSubsequence("Thanks for calling.", "How can I help?");
        twilio.since(0, "mark").forEach(twilio::echo);
        await().atMost(PATIENCE).until(() -> !handler.isBotTalking(twilio.streamSid));

        // The caller speaks; the bot answers in whole 20 ms frames of its stream, then a mark.
        int beforeFirst = twilio.received.size();
        twilio.say(ToneAudio.tone(600, 300));
        twilio.say(ToneAudio.silence(400));
        await().atMost(PATIENCE).until(() -> !twilio.since(beforeFirst, "mark").isEmpty());
        JsonNode firstMark = twilio.since(beforeFirst, "mark").get(0);
        List<JsonNode> frames = twilio.from(beforeFirst).stream()
                .takeWhile(message -> !"mark".equals(message.path("event").asText()))
                .filter(message -> "media".equals(message.path("event").asText())).toList();
        int words = ("Echo: " + FIRST).split("\\s+").length;
        assertThat(frames).hasSize((int) Math.ceil(words * FakeSpeechEngine.MS_PER_WORD * 8 / 160.0));
        assertThat(frames).allSatisfy(frame -> {
            assertThat(frame.path("streamSid").asText()).isEqualTo(twilio.streamSid);
            byte[] payload = Base64.getDecoder().decode(frame.path("media").path("payload").asText());
            assertThat(payload).hasSize(MuLaw.FRAME_BYTES);
        });
        assertThat(MuLaw.rms(Base64.getDecoder().decode(frames.get(0).path("media").path("payload").asText())))
                .isGreaterThan(FakeSpeechEngine.LOUD_RMS);
        assertThat(firstMark.path("streamSid").asText()).isEqualTo(twilio.streamSid);
        assertThat(firstMark.path("mark").path("name").asText()).isNotBlank();
        assertThat(handler.isBotTalking(twilio.streamSid)).isTrue();
        // Twilio echoes the mark once the audio has played: the bot is done talking
        twilio.echo(firstMark);
        await().atMost(PATIENCE).until(() -> !handler.isBotTalking(twilio.streamSid));

        // The caller asks for something long and talks over its first sentence while it is being synthesized (the
        // voice paced at 40 ms a frame, 840 ms for that sentence): the synthesis is cancelled, Twilio's buffer is
        // cleared, and neither that sentence's rest nor the reply's later sentences are sent.
        FakeSpeechEngine.pace(Duration.ofMillis(40));
        int cancelledBefore = FakeSpeechEngine.cancelled();
        int spokenBefore = FakeSpeechEngine.spoken().size();
        int beforeLong = twilio.received.size();
        twilio.say(ToneAudio.tone(600, 300));
        twilio.say(ToneAudio.silence(400));
        await().atMost(PATIENCE).until(() -> !twilio.since(beforeLong, "media").isEmpty());
        assertThat(handler.isBotTalking(twilio.streamSid)).isTrue();
        twilio.say(ToneAudio.tone(200, 300));
        await().atMost(PATIENCE).until(() -> !twilio.since(beforeLong, "clear").isEmpty());
        int cleared = twilio.indexOf("clear", beforeLong);
        assertThat(twilio.received.get(cleared).path("streamSid").asText()).isEqualTo(twilio.streamSid);
        assertThat(FakeSpeechEngine.cancelled()).as("the sentence being synthesized").isGreaterThan(cancelledBefore);
        await().atMost(PATIENCE).until(() -> !handler.isBotTalking(twilio.streamSid));
        // the reply's second sentence would take 320 ms: nothing may follow the clear for well past it
        await().during(Duration.ofMillis(1500)).atMost(PATIENCE).untilAsserted(() ->
                assertThat(twilio.from(cleared + 1)).as("nothing follows the clear").isEmpty());
        List<String> spoken = FakeSpeechEngine.spoken();
        assertThat(spoken.subList(spokenBefore, spoken.size())).containsExactly(HEARD_OF_LONG);
        assertThat(handler.isBotTalking(twilio.streamSid)).isFalse();

        twilio.stop();
        UUID callId = call.callId();
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> callEvents(callId).stream()
                .anyMatch(event -> CallEvent.ENDED.equals(event.type())));
        twilio.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);

        List<CallEvent> events = callEvents(callId);
        assertThat(events.get(0).type()).isEqualTo(CallEvent.STARTED);
        assertThat(events.get(0).mode()).isEqualTo(CallMode.LEGACY.wireName());
        CallEvent ended = events.get(events.size() - 1);
        assertThat(ended.type()).isEqualTo(CallEvent.ENDED);
        assertThat(ended.endReason()).isEqualTo("completed");
        assertThat(events.stream().filter(event -> CallEvent.TRANSCRIPT.equals(event.type()))
                .map(event -> event.speaker() + ": " + event.text()))
                .containsSubsequence(CallEvent.AGENT + ": " + GREETING, CallEvent.CALLER + ": " + FIRST,
                        CallEvent.AGENT + ": Echo: " + FIRST,
                        CallEvent.CALLER + ": " + LONG, CallEvent.AGENT + ": " + HEARD_OF_LONG);

        // integration-app keeps the call's transcript in the customer's conversation, in order, speakers right
        // the reply the caller talked over is kept as far as it was heard: the agent reads this history next turn
        List<String> expected = List.of("inbound: " + FIRST, "outbound: Echo: " + FIRST, "inbound: " + LONG,
                "outbound: " + HEARD_OF_LONG);
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                conversationOf(line, call.from()).stream()
                        .map(message -> message.path("direction").asText() + ": " + message.path("text").asText()))
                .containsSubsequence(expected));
    }

    /** Twilio's side of a bidirectional Media Stream: what it sends, and what it received, in order. */
    private static final class FakeTwilio {

        final String streamSid;
        final String callSid;
        final String accountSid;
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final WholeTextListener listener = new WholeTextListener(message -> received.add(PayloadJson.tree(message)));
        volatile WebSocket socket;
        private int sequence;
        private int chunk;

        FakeTwilio(String streamSid, String callSid, String accountSid) {
            this.streamSid = streamSid;
            this.callSid = callSid;
            this.accountSid = accountSid;
        }

        /** What the bridge sent from the {@code index}th message on. */
        List<JsonNode> from(int index) {
            List<JsonNode> all = List.copyOf(received);
            return all.subList(Math.min(index, all.size()), all.size());
        }

        /** Where the first {@code event} message from the {@code index}th on is among all received. */
        int indexOf(String event, int index) {
            for (int i = index; i < received.size(); i++) {
                if (event.equals(received.get(i).path("event").asText())) {
                    return i;
                }
            }
            return -1;
        }

        /** The {@code event} messages the bridge sent from the {@code index}th message on. */
        List<JsonNode> since(int index, String event) {
            return from(index).stream().filter(message -> event.equals(message.path("event").asText())).toList();
        }

        void connected() {
            ObjectNode message = PayloadJson.mapper().createObjectNode().put("event", "connected")
                    .put("protocol", "Call").put("version", "1.0.0");
            send(message);
        }

        void start() {
            ObjectNode message = message("start");
            ObjectNode start = message.putObject("start").put("streamSid", streamSid).put("accountSid", accountSid)
                    .put("callSid", callSid);
            start.putArray("tracks").add("inbound");
            start.putObject("customParameters");
            start.putObject("mediaFormat").put("encoding", "audio/x-mulaw").put("sampleRate", 8000)
                    .put("channels", 1);
            send(message);
        }

        /** The caller's audio, a media event per 20 ms frame (sent as fast as the socket takes them). */
        void say(List<byte[]> frames) {
            for (byte[] frame : frames) {
                chunk++;
                ObjectNode message = message("media");
                message.putObject("media").put("track", "inbound").put("chunk", Integer.toString(chunk))
                        .put("timestamp", Integer.toString(chunk * 20))
                        .put("payload", Base64.getEncoder().encodeToString(frame));
                send(message);
            }
        }

        /** Tells the bridge the audio before {@code mark} has played, as Twilio does. */
        void echo(JsonNode mark) {
            ObjectNode message = message("mark");
            message.putObject("mark").put("name", mark.path("mark").path("name").asText());
            send(message);
        }

        void stop() {
            ObjectNode message = message("stop");
            message.putObject("stop").put("accountSid", accountSid).put("callSid", callSid);
            send(message);
        }

        private ObjectNode message(String event) {
            return PayloadJson.mapper().createObjectNode().put("event", event)
                    .put("sequenceNumber", Integer.toString(++sequence)).put("streamSid", streamSid);
        }

        // java.net.http.WebSocket allows one send at a time: each waits for the previous
        private synchronized void send(ObjectNode message) {
            try {
                socket.sendText(message.toString(), true).get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (Exception e) {
                throw new IllegalStateException("Could not send " + message.path("event").asText(), e);
            }
        }
    }
}
