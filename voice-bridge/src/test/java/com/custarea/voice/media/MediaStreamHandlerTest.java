package com.custarea.voice.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.voice.agent.SlowStreamingAgent;
import com.custarea.voice.calls.CallEventPublisher;
import com.custarea.voice.calls.CallMode;
import com.custarea.voice.calls.CallSession;
import com.custarea.voice.calls.CallSessions;
import com.custarea.voice.lines.VoiceLine;
import com.custarea.voice.speech.FakeSpeechEngine;
import com.custarea.voice.support.RecordingSocket;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;

/**
 * The legacy mode's turns with an agent that streams slowly: the first sentence is spoken while the reply is still
 * coming, a barge-in drops the rest of it (nothing more is synthesized or sent after the clear), the reply's tool
 * calls and text reach calls.events, and a socket that closes before its state was made still ends its call.
 */
class MediaStreamHandlerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String STREAM_SID = "MZ" + "0".repeat(32);
    private static final UUID TENANT = UUID.randomUUID();

    private final CallEventPublisher events = mock(CallEventPublisher.class);
    private final CallSessions sessions = new CallSessions(events, 1, Duration.ofSeconds(30));
    private final SlowStreamingAgent agent = new SlowStreamingAgent();
    private final FakeSpeechEngine speech = new FakeSpeechEngine();
    private final RecordingSocket twilio = new RecordingSocket();
    private MediaStreamHandler handler;

    @BeforeEach
    void start() {
        handler = new MediaStreamHandler(sessions, events, agent, speech);
    }

    @AfterEach
    void stop() {
        FakeSpeechEngine.pace(Duration.ZERO);
        agent.rest.complete(null);
        handler.shutdown();
        speech.close();
    }

    @Test
    void theFirstSentenceIsSpokenWhileTheReplyIsStillStreaming() throws Exception {
        CallSession call = claimedCall();
        MediaStreamHandler.LegacyCall stream = started(call);

        stream.onRecognized("Where is my parcel?");
        await().atMost(WAIT).until(() -> !events("mark").isEmpty());
        assertThat(agent.finished).as("the reply is still streaming").isNotDone();
        int firstSentenceFrames = events("media").size();
        assertThat(firstSentenceFrames).isEqualTo(frames(SlowStreamingAgent.FIRST_SENTENCE));
        assertThat(FakeSpeechEngine.spoken()).endsWith(SlowStreamingAgent.FIRST_SENTENCE);

        agent.rest.complete(null);
        await().atMost(WAIT).until(() -> events("mark").size() == 2);
        assertThat(FakeSpeechEngine.spoken()).endsWith(SlowStreamingAgent.FIRST_SENTENCE,
                SlowStreamingAgent.SECOND_SENTENCE);
        assertThat(events("media")).hasSize(firstSentenceFrames + frames(SlowStreamingAgent.SECOND_SENTENCE));
        verify(events, timeout(WAIT.toMillis())).toolCall(call, SlowStreamingAgent.TOOL_CALL.name(),
                SlowStreamingAgent.TOOL_CALL.arguments());
        // the transcript waits until Twilio has played the reply: only then is it known the caller heard it all
        await().during(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() ->
                verify(events, never()).transcript(call, CallEvent.AGENT, SlowStreamingAgent.TEXT));
        events("mark").forEach(mark -> stream.markPlayed(mark.path("mark").path("name").asText()));
        verify(events, timeout(WAIT.toMillis())).transcript(call, CallEvent.AGENT, SlowStreamingAgent.TEXT);
    }

    @Test
    void aBargeInCancelsTheSentenceBeingSpokenAndDropsTheRestOfTheReplyStillStreaming() throws Exception {
        FakeSpeechEngine.pace(Duration.ofMillis(20)); // the first sentence takes 360 ms to synthesize
        int spokenBefore = FakeSpeechEngine.spoken().size();
        CallSession call = claimedCall();
        MediaStreamHandler.LegacyCall stream = started(call);
        stream.onRecognized("Where is my parcel?");
        await().atMost(WAIT).until(() -> !events("media").isEmpty());
        int cancelledBefore = FakeSpeechEngine.cancelled();

        // the caller talks over the first sentence while it is synthesized and the rest of the reply still comes
        stream.onSpeechStarted();
        assertThat(events("clear")).hasSize(1);
        int clearedAt = twilio.sent().size();
        assertThat(FakeSpeechEngine.cancelled()).as("the sentence being synthesized").isEqualTo(cancelledBefore + 1);
        agent.rest.complete(null);
        agent.finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // once the reply has come in whole, the transcript holds what the caller heard: not the dropped sentence
        verify(events, timeout(WAIT.toMillis())).transcript(call, CallEvent.AGENT,
                SlowStreamingAgent.FIRST_SENTENCE);
        verify(events, timeout(WAIT.toMillis())).toolCall(call, SlowStreamingAgent.TOOL_CALL.name(),
                SlowStreamingAgent.TOOL_CALL.arguments());
        // for longer than the cut sentence's remaining audio would have taken, nothing more is spoken or sent
        await().during(Duration.ofMillis(500)).atMost(WAIT).untilAsserted(() -> {
            assertThat(FakeSpeechEngine.spoken().subList(spokenBefore, FakeSpeechEngine.spoken().size()))
                    .containsExactly(SlowStreamingAgent.FIRST_SENTENCE);
            assertThat(twilio.sent().subList(clearedAt, twilio.sent().size())).as("nothing is sent after the clear")
                    .isEmpty();
        });
        assertThat(handler.isBotTalking(STREAM_SID)).isFalse();
    }

    @Test
    void aCallerWhoSpeaksWhileTheBotIsQuietForAToolCallDoesNotDropTheAnswer() throws Exception {
        int spokenBefore = FakeSpeechEngine.spoken().size();
        CallSession call = claimedCall();
        MediaStreamHandler.LegacyCall stream = started(call);
        stream.onRecognized("Where is my parcel?");
        await().atMost(WAIT).until(() -> events("mark").size() == 1);
        stream.markPlayed(events("mark").get(0).path("mark").path("name").asText());
        Thread.sleep(1_700); // the reply pauses (a tool runs) longer than a breath between two sentences

        stream.onSpeechStarted(); // "okay"
        assertThat(events("clear")).as("nothing was playing to clear").isEmpty();
        agent.rest.complete(null);

        await().atMost(WAIT).until(() -> events("mark").size() == 2);
        assertThat(FakeSpeechEngine.spoken().subList(spokenBefore, FakeSpeechEngine.spoken().size()))
                .containsExactly(SlowStreamingAgent.FIRST_SENTENCE, SlowStreamingAgent.SECOND_SENTENCE);
        stream.markPlayed(events("mark").get(1).path("mark").path("name").asText());
        verify(events, timeout(WAIT.toMillis())).transcript(call, CallEvent.AGENT, SlowStreamingAgent.TEXT);
    }

    @Test
    void aSocketClosedBeforeItsStateWasMadeStillEndsItsCallAndFreesItsPlace() {
        CallSession call = claimedCall();
        assertThat(sessions.active()).containsExactly(call);

        handler.onClosed(call, null, CloseStatus.NO_CLOSE_FRAME);

        assertThat(call.isEnded()).isTrue();
        assertThat(sessions.active()).isEmpty();
        verify(events).ended(any(), anyInt(), any());
        assertThat(sessions.open(line(), "CA" + "2".repeat(32), "+14155550100", "+14155550199", "inbound",
                CallMode.LEGACY)).as("the tenant's one place is free again").isNotNull();
    }

    private CallSession claimedCall() {
        CallSession call = sessions.open(line(), "CA" + "1".repeat(32), "+14155550100", "+14155550199", "inbound",
                CallMode.LEGACY);
        return sessions.claim(call.sessionId()).orElseThrow();
    }

    private MediaStreamHandler.LegacyCall started(CallSession call) {
        MediaStreamHandler.LegacyCall stream = handler.open(call, twilio.session());
        handler.onMessage(stream, PayloadJson.tree("{\"event\":\"start\",\"start\":{\"streamSid\":\"" + STREAM_SID
                + "\",\"callSid\":\"" + call.callSid() + "\"}}"));
        return stream;
    }

    private List<JsonNode> events(String event) {
        return twilio.sent("event", event);
    }

    private static int frames(String sentence) {
        return (int) Math.ceil(sentence.split("\\s+").length * FakeSpeechEngine.MS_PER_WORD * 8 / 160.0);
    }

    private static VoiceLine line() {
        return new VoiceLine(TENANT, UUID.randomUUID(), "+14155550199", CallMode.LEGACY, "AC" + "0".repeat(32),
                "token", null, null, "en-US", null, null);
    }

}
