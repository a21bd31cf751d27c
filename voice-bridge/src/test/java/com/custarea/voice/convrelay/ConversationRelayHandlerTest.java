package com.custarea.voice.convrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;
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
import com.custarea.voice.support.RecordingSocket;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The convrelay mode with an agent that streams slowly: whole words go to Twilio as the reply streams in (never half
 * a word), {@code last} on the final one, and an interrupt stops the rest; tool calls and the text reach calls.events.
 */
class ConversationRelayHandlerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CallEventPublisher events = mock(CallEventPublisher.class);
    private final CallSessions sessions = new CallSessions(events, 10, Duration.ofSeconds(30));
    private final SlowStreamingAgent agent = new SlowStreamingAgent();
    private final RecordingSocket twilio = new RecordingSocket();
    private ConversationRelayHandler handler;

    @BeforeEach
    void start() {
        handler = new ConversationRelayHandler(sessions, events, agent, Duration.ZERO, 2);
    }

    @AfterEach
    void stop() {
        agent.rest.complete(null);
        handler.stop();
    }

    @Test
    void wholeWordsGoOutWhileTheReplyStreamsAndTheLastOneIsLast() {
        CallSession call = call();
        ConversationRelayHandler.Relay relay = handler.open(call, twilio.session());
        handler.onMessage(relay, prompt("Where is my parcel?"));

        await().atMost(WAIT).until(() -> tokens().size() == 6);
        assertThat(agent.finished).as("the reply is still streaming").isNotDone();
        assertThat(tokens()).extracting(token -> token.path("token").asText())
                .containsExactly("Your ", "parcel ", "left ", "our ", "warehouse ", "today. ");
        assertThat(tokens()).noneMatch(token -> token.path("last").asBoolean());

        agent.rest.complete(null);
        await().atMost(WAIT).until(() -> tokens().stream().anyMatch(token -> token.path("last").asBoolean()));
        assertThat(FakeConversationRelay.join(tokens())).isEqualTo(SlowStreamingAgent.TEXT);
        assertThat(tokens().get(tokens().size() - 1).path("token").asText()).isEqualTo("Monday.");
        verify(events, timeout(WAIT.toMillis())).toolCall(call, SlowStreamingAgent.TOOL_CALL.name(),
                SlowStreamingAgent.TOOL_CALL.arguments());
        verify(events, timeout(WAIT.toMillis())).transcript(call, CallEvent.AGENT, SlowStreamingAgent.TEXT);
    }

    @Test
    void anInterruptStopsTheRestOfTheReply() throws Exception {
        CallSession call = call();
        ConversationRelayHandler.Relay relay = handler.open(call, twilio.session());
        handler.onMessage(relay, prompt("Where is my parcel?"));
        await().atMost(WAIT).until(() -> tokens().size() == 6);

        handler.onMessage(relay, PayloadJson.tree("{\"type\":\"interrupt\",\"utteranceUntilInterrupt\":\"Your "
                + "parcel\",\"durationUntilInterruptMs\":800}"));
        agent.rest.complete(null);
        agent.finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // once the rest was handled (and dropped), the transcript holds what Twilio says the caller heard
        verify(events, timeout(WAIT.toMillis())).transcript(call, CallEvent.AGENT, "Your parcel");
        verify(events, timeout(WAIT.toMillis())).toolCall(call, SlowStreamingAgent.TOOL_CALL.name(),
                SlowStreamingAgent.TOOL_CALL.arguments());
        // nothing more goes out: the count holds for a while after the reply was handled
        await().during(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> assertThat(tokens()).hasSize(6)
                .noneMatch(token -> token.path("last").asBoolean()));
    }

    private List<JsonNode> tokens() {
        return twilio.sent("type", "text");
    }

    private CallSession call() {
        VoiceLine line = new VoiceLine(UUID.randomUUID(), UUID.randomUUID(), "+14155550199", CallMode.CONVRELAY,
                "AC" + "0".repeat(32), "token", null, null, "en-US", null, null);
        CallSession call = sessions.open(line, "CA" + UUID.randomUUID().toString().replace("-", ""),
                "+14155550100", "+14155550199", "inbound", CallMode.CONVRELAY);
        return sessions.claim(call.sessionId()).orElseThrow();
    }

    private static JsonNode prompt(String text) {
        return PayloadJson.mapper().createObjectNode().put("type", "prompt").put("voicePrompt", text)
                .put("last", true);
    }
}
