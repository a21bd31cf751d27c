package com.custarea.voice.twiml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import com.custarea.schemas.CallEvent;
import com.custarea.voice.calls.CallMode;
import com.custarea.voice.lines.VoiceLine;
import com.custarea.voice.support.VoiceBridgeIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * Twilio's voice webhooks and socket upgrades: only signed ones get through, a session opens once, the TwiML names
 * the line's mode, a tenant at its limit of calls hears that the lines are busy (until a call ends: its socket lost, or
 * Twilio's status), and Twilio's status callback ends a call.
 */
class TwimlIT extends VoiceBridgeIntegrationTest {

    @Test
    void onlySignedWebhooksForKnownNumbersAreAnswered() {
        VoiceLine line = newLine(CallMode.CONVRELAY);
        Map<String, String> params = new TreeMap<>(Map.of("CallSid", "CA" + "0".repeat(32), "AccountSid",
                line.accountSid(), "From", randomNumber(), "To", line.phoneNumber(), "Direction", "inbound"));

        assertThat(postForm("/twiml/voice", params, null).statusCode()).as("unsigned").isEqualTo(403);
        assertThat(postForm("/twiml/voice", params, "not-the-token").statusCode()).as("other token").isEqualTo(403);
        Map<String, String> tampered = new TreeMap<>(params);
        HttpResponse<String> signedThenChanged = postSignedButSend(params, line.authToken(),
                Map.of("From", "+14155550000"));
        assertThat(signedThenChanged.statusCode()).as("a parameter changed after signing").isEqualTo(403);
        tampered.put("To", "+14155550001");
        assertThat(postForm("/twiml/voice", tampered, line.authToken()).statusCode()).as("unknown number")
                .isEqualTo(404);
        Map<String, String> badSid = new TreeMap<>(params);
        badSid.put("CallSid", "nope");
        assertThat(postForm("/twiml/voice", badSid, line.authToken()).statusCode()).isEqualTo(400);

        TwilioCall relay = call(line);
        assertThat(relay.twiml()).contains("<ConversationRelay").contains("/phone-ws/convrelay/");
        TwilioCall stream = call(newLine(CallMode.LEGACY));
        assertThat(stream.twiml()).contains("<Stream").contains("/phone-ws/legacy/")
                .contains("name=\"callId\"");
    }

    @Test
    void aSocketNeedsTwiliosSignatureAndItsSessionWorksOnce() {
        VoiceLine line = newLine(CallMode.CONVRELAY);
        TwilioCall call = call(line);
        String url = "ws://127.0.0.1:" + VOICE_PORT + call.socketPath();

        assertThat(handshakeStatus(http.newWebSocketBuilder(), url)).as("unsigned").isEqualTo(403);
        assertThat(handshakeStatus(http.newWebSocketBuilder().header("X-Twilio-Signature",
                twilioSignature("other-token", url, Map.of())), url)).as("other token").isEqualTo(403);
        assertThat(handshakeStatus(http.newWebSocketBuilder().header("X-Twilio-Signature",
                twilioSignature(line.authToken(), url.replace("/convrelay/", "/legacy/"), Map.of())),
                url.replace("/convrelay/", "/legacy/"))).as("another mode's path").isEqualTo(404);

        WebSocket socket = connect(call, new WebSocket.Listener() { });
        assertThatThrownBy(() -> connect(call, new WebSocket.Listener() { })).as("the session is single-use")
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        await().atMost(Duration.ofSeconds(30)).until(() -> callEvents(call.callId()).stream()
                .anyMatch(event -> CallEvent.ENDED.equals(event.type())));
    }

    @Test
    void aTenantAtItsLimitHearsTheLinesAreBusyAndTwiliosStatusEndsACall() {
        VoiceLine line = newLine(CallMode.LEGACY);
        for (int i = 0; i < 10; i++) {
            call(line);
        }
        Map<String, String> eleventh = new TreeMap<>(Map.of("CallSid", "CA" + "1".repeat(32), "AccountSid",
                line.accountSid(), "From", randomNumber(), "To", line.phoneNumber(), "Direction", "inbound"));
        HttpResponse<String> busy = postForm("/twiml/voice", eleventh, line.authToken());
        assertThat(busy.statusCode()).isEqualTo(200);
        assertThat(busy.body()).contains("<Say>").contains("busy").contains("<Hangup/>").doesNotContain("Connect");
        assertThat(call(newLine(CallMode.LEGACY)).twiml()).as("another tenant is not limited by this one")
                .contains("<Connect ");

        TwilioCall call = call(newLine(CallMode.CONVRELAY));
        Map<String, String> status = new TreeMap<>(Map.of("CallSid", call.callSid(), "AccountSid",
                call.line().accountSid(), "From", call.from(), "To", call.line().phoneNumber(), "Direction",
                "inbound", "CallStatus", "no-answer"));
        assertThat(postForm("/twiml/status", status, null).statusCode()).isEqualTo(403);
        assertThat(postForm("/twiml/status", status, call.line().authToken()).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(callEvents(call.callId()))
                .extracting(CallEvent::type).containsExactly(CallEvent.STARTED, CallEvent.ENDED));
        assertThat(callEvents(call.callId()).get(1).endReason()).isEqualTo("no_answer");

        // an outbound call nobody answered never asked for its TwiML: its end is recorded all the same
        VoiceLine outboundLine = newLine(CallMode.REALTIME);
        String unanswered = "CA" + "2".repeat(32);
        Map<String, String> noAnswer = new TreeMap<>(Map.of("CallSid", unanswered, "AccountSid",
                outboundLine.accountSid(), "From", outboundLine.phoneNumber(), "To", randomNumber(), "Direction",
                "outbound-api", "CallStatus", "busy"));
        assertThat(postForm("/twiml/status", noAnswer, outboundLine.authToken()).statusCode()).isEqualTo(204);
        UUID unansweredId = CallEvent.callIdOf(unanswered);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(callEvents(unansweredId))
                .singleElement().satisfies(event -> {
                    assertThat(event.type()).isEqualTo(CallEvent.ENDED);
                    assertThat(event.endReason()).isEqualTo("busy");
                    assertThat(event.direction()).isEqualTo("outbound");
                }));
    }

    @Test
    void aTenantsPlaceIsFreedWhenASocketIsLostOrTwilioEndsTheCall() {
        VoiceLine line = newLine(CallMode.LEGACY);
        List<TwilioCall> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(call(line));
        }
        assertThat(busy(line)).as("at its limit").isTrue();

        // a socket lost without a close frame ends its call, and the tenant may take another
        WebSocket lost = connect(calls.get(0), new WebSocket.Listener() { });
        lost.abort();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(callEvents(calls.get(0).callId()))
                .filteredOn(event -> CallEvent.ENDED.equals(event.type())).singleElement()
                .extracting(CallEvent::endReason).isEqualTo("socket_lost"));
        assertThat(call(line).twiml()).contains("<Connect ");
        assertThat(busy(line)).as("at its limit again").isTrue();

        // so does a call Twilio reports over
        TwilioCall over = calls.get(1);
        Map<String, String> status = new TreeMap<>(Map.of("CallSid", over.callSid(), "AccountSid",
                line.accountSid(), "From", over.from(), "To", line.phoneNumber(), "Direction", "inbound",
                "CallStatus", "completed"));
        assertThat(postForm("/twiml/status", status, line.authToken()).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(callEvents(over.callId()))
                .filteredOn(event -> CallEvent.ENDED.equals(event.type())).singleElement()
                .extracting(CallEvent::endReason).isEqualTo("completed"));
        assertThat(call(line).twiml()).contains("<Connect ");
    }

    /** Whether a new call to {@code line} hears that the lines are busy. */
    private boolean busy(VoiceLine line) {
        Map<String, String> params = new TreeMap<>(Map.of("CallSid", "CA" + UUID.randomUUID().toString()
                .replace("-", ""), "AccountSid", line.accountSid(), "From", randomNumber(), "To",
                line.phoneNumber(), "Direction", "inbound"));
        HttpResponse<String> answer = postForm("/twiml/voice", params, line.authToken());
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body().contains("busy") && !answer.body().contains("<Connect");
    }

    @Test
    void aCallTheAgentHandsOverIsPutThroughToTheLinesTransferNumber() {
        VoiceLine line = newLine(CallMode.CONVRELAY);
        TwilioCall call = call(line);
        assertThat(call.twiml()).contains("action=\"http://127.0.0.1:" + VOICE_PORT + "/twiml/handoff\"");
        Map<String, String> after = new TreeMap<>(Map.of("CallSid", call.callSid(), "AccountSid", line.accountSid(),
                "From", call.from(), "To", line.phoneNumber(), "Direction", "inbound", "CallStatus", "in-progress"));

        assertThat(postForm("/twiml/handoff", after, null).statusCode()).isEqualTo(403);
        HttpResponse<String> finished = postForm("/twiml/handoff", after, line.authToken());
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).contains("<Hangup/>").doesNotContain("<Dial");

        // ConversationRelay's end with handoff data: Twilio asks the action what next, with that data
        after.put("HandoffData", "{\"reason\":\"caller pressed 0\"}");
        HttpResponse<String> handedOver = postForm("/twiml/handoff", after, line.authToken());
        assertThat(handedOver.statusCode()).isEqualTo(200);
        assertThat(handedOver.body()).contains("<Dial>" + line.transferNumber() + "</Dial>");
    }

    /** A webhook signed over {@code params}, sent with {@code changes} applied after signing. */
    private HttpResponse<String> postSignedButSend(Map<String, String> params, String authToken,
                                                    Map<String, String> changes) {
        String signature = twilioSignature(authToken, "http://127.0.0.1:" + VOICE_PORT + "/twiml/voice", params);
        Map<String, String> sent = new TreeMap<>(params);
        sent.putAll(changes);
        String body = sent.entrySet().stream().map(entry -> entry.getKey() + "=" + URLEncoder.encode(
                entry.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + VOICE_PORT + "/twiml/voice"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Twilio-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int handshakeStatus(WebSocket.Builder builder, String url) {
        try {
            builder.buildAsync(URI.create(url), new WebSocket.Listener() { }).join();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }
}
