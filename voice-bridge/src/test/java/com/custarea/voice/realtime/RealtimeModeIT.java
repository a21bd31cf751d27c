package com.custarea.voice.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallMode;
import com.custarea.voice.lines.VoiceLine;
import com.custarea.voice.support.VoiceBridgeIntegrationTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The realtime mode end to end: a fake Twilio streams a call's μ-law to the bridge, which must pass it unchanged to a
 * fake OpenAI Realtime server set up for μ-law and server VAD with the line's instructions, play the model's audio
 * back unchanged with marks, cut the model off when the caller talks over it, hand the call over when the model calls
 * handoff_to_human, and publish the call's events so that the transcript lands in the customer's conversation.
 */
class RealtimeModeIT extends VoiceBridgeIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static FakeOpenAiRealtimeServer openai;

    @BeforeAll
    static void startFakeOpenAi() {
        openai = FakeOpenAiRealtimeServer.start(REALTIME_FAKE_PORT, OPENAI_KEY).replyAfterAppends(5);
    }

    @AfterAll
    static void stopFakeOpenAi() {
        if (openai != null) {
            openai.close();
        }
    }

    @Test
    void bridgesTheCallToTheModelCutsItOffOnBargeInAndHandsTheCallOver() {
        VoiceLine line = newLine(CallMode.REALTIME);
        var call = call(line);
        assertThat(call.socketPath()).contains("/phone-ws/realtime/");
        int before = openai.connections().size();
        FakeTwilioMediaStream twilio = new FakeTwilioMediaStream();
        twilio.echoMarks(1); // Twilio has played the first frame of the answer when the caller talks over it
        connect(call, twilio.listener);
        twilio.connected();
        twilio.start(call.callSid(), line.accountSid());

        // the model's session: μ-law both ways, server VAD, the line's instructions, the tools
        await().atMost(WAIT).until(() -> openai.connections().size() > before);
        FakeOpenAiRealtimeServer.Connection model = openai.connections().get(before);
        assertThat(model.authorization()).isEqualTo("Bearer " + OPENAI_KEY);
        assertThat(model.target()).startsWith(FakeOpenAiRealtimeServer.PATH);
        JsonNode update = await().atMost(WAIT).until(() -> model.first("session.update"), Objects::nonNull);
        assertThat(model.received().get(0).path("type").asText()).isEqualTo("session.update");
        JsonNode session = update.path("session");
        assertThat(session.path("type").asText()).isEqualTo("realtime");
        assertThat(session.at("/audio/input/format/type").asText()).isEqualTo("audio/pcmu");
        assertThat(session.at("/audio/output/format/type").asText()).isEqualTo("audio/pcmu");
        assertThat(session.at("/audio/input/turn_detection/type").asText()).isEqualTo("server_vad");
        assertThat(session.at("/audio/input/transcription/model").asText()).isNotBlank();
        assertThat(session.at("/audio/output/voice").asText()).isNotBlank();
        String instructions = session.path("instructions").asText();
        assertThat(instructions).isNotBlank();
        if (line.instructions() != null && !line.instructions().isBlank()) {
            assertThat(instructions).contains(line.instructions().strip());
        }
        assertThat(session.path("tools").findValuesAsText("name"))
                .contains(RealtimeBridgeHandler.HANDOFF_TOOL, RealtimeBridgeHandler.END_TOOL);

        // the caller's audio reaches the model as Twilio sent it
        List<String> frames = IntStream.range(0, 5).mapToObj(i -> FakeOpenAiRealtimeServer.tone(1000 + i * 160, 160))
                .toList();
        frames.forEach(twilio::media);
        await().atMost(WAIT).until(() -> model.appendedAudio().size() >= frames.size());
        assertThat(model.appendedAudio()).containsExactlyElementsOf(frames);

        // the model's answer reaches Twilio as the model sent it, each piece followed by a mark
        await().atMost(WAIT).until(() -> twilio.mediaPayloads().size() >= FakeOpenAiRealtimeServer.REPLY_AUDIO.size());
        assertThat(twilio.mediaPayloads()).containsExactlyElementsOf(FakeOpenAiRealtimeServer.REPLY_AUDIO);
        assertThat(twilio.received("media")).allSatisfy(media ->
                assertThat(media.path("streamSid").asText()).isEqualTo(twilio.streamSid));
        await().atMost(WAIT).until(() -> twilio.received("mark").size() >= FakeOpenAiRealtimeServer.REPLY_AUDIO.size());
        await().atMost(WAIT).until(() -> twilio.echoed().size() == 1);
        assertThat(twilio.received("clear")).isEmpty();

        // barge-in: Twilio's queue is cleared and the answer cut where the caller stopped hearing it
        model.speechStarted();
        await().atMost(WAIT).until(() -> !twilio.received("clear").isEmpty());
        assertThat(twilio.received("clear").get(0).path("streamSid").asText()).isEqualTo(twilio.streamSid);
        JsonNode truncate = await().atMost(WAIT).until(() -> model.first("conversation.item.truncate"),
                Objects::nonNull);
        assertThat(truncate.path("item_id").asText()).isEqualTo(FakeOpenAiRealtimeServer.REPLY_ITEM);
        assertThat(truncate.path("content_index").asInt(-1)).isZero();
        // three 20 ms frames went out, at most the first was heard
        assertThat(truncate.path("audio_end_ms").asLong(-1)).isBetween(0L, 20L);

        // the model hands the call over: tool output, its goodbye, played, then the stream closes
        twilio.echoAllMarks();
        model.functionCall(RealtimeBridgeHandler.HANDOFF_TOOL, "call_handoff_1",
                "{\"reason\":\"The caller wants to speak to a person\"}");
        JsonNode output = await().atMost(WAIT).until(() -> model.first("conversation.item.create"), Objects::nonNull);
        assertThat(output.at("/item/type").asText()).isEqualTo("function_call_output");
        assertThat(output.at("/item/call_id").asText()).isEqualTo("call_handoff_1");
        await().atMost(WAIT).until(() -> !model.received("response.create").isEmpty());
        await().atMost(WAIT).until(() -> twilio.mediaPayloads().containsAll(FakeOpenAiRealtimeServer.GOODBYE_AUDIO));
        await().atMost(WAIT).until(twilio.closed::isDone);
        await().atMost(WAIT).until(model::isClosed);

        List<CallEvent> events = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> callEvents(call.callId()), found -> !found.isEmpty()
                        && CallEvent.ENDED.equals(found.get(found.size() - 1).type()));
        assertThat(events).extracting(RealtimeModeIT::summary).containsExactly(
                "started",
                "transcript caller: " + FakeOpenAiRealtimeServer.CALLER_TRANSCRIPT,
                "transcript agent: " + FakeOpenAiRealtimeServer.AGENT_TRANSCRIPT,
                "tool_call " + RealtimeBridgeHandler.HANDOFF_TOOL,
                "transcript agent: " + FakeOpenAiRealtimeServer.GOODBYE_TRANSCRIPT,
                "ended handoff");
        assertThat(events.get(0).mode()).isEqualTo(CallMode.REALTIME.wireName());
        assertThat(events.get(3).toolArguments()).contains("speak to a person");

        // integration-app's view: the transcript in the customer's conversation, in order, with its speakers
        List<String> conversation = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> conversationOf(line, call.from()).stream()
                                .map(message -> message.path("senderType").asText() + ": "
                                        + message.path("text").asText()).toList(),
                        messages -> messages.stream().anyMatch(message -> message.endsWith(
                                FakeOpenAiRealtimeServer.GOODBYE_TRANSCRIPT)));
        assertThat(conversation).containsSubsequence(
                "contact: " + FakeOpenAiRealtimeServer.CALLER_TRANSCRIPT,
                "ai: " + FakeOpenAiRealtimeServer.AGENT_TRANSCRIPT,
                "ai: " + FakeOpenAiRealtimeServer.GOODBYE_TRANSCRIPT);
    }

    @Test
    void aCallWhoseModelSocketFailsEndsAsFailedAndClosesTwilio() {
        Started started = startCall();
        VoiceLine line = started.line();
        TwilioCall call = started.call();
        FakeTwilioMediaStream twilio = started.twilio();
        FakeOpenAiRealtimeServer.Connection model = started.model();

        model.abort();

        await().atMost(WAIT).until(twilio.closed::isDone);
        List<CallEvent> events = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> callEvents(call.callId()), found -> !found.isEmpty()
                        && CallEvent.ENDED.equals(found.get(found.size() - 1).type()));
        assertThat(events.get(events.size() - 1).endReason()).isEqualTo("failed");
    }

    @Test
    void theModelSearchesTheAgentsKnowledgeBaseThroughIntegrationApp() {
        Started started = startCall();
        VoiceLine line = started.line();
        TwilioCall call = started.call();
        FakeTwilioMediaStream twilio = started.twilio();
        FakeOpenAiRealtimeServer.Connection model = started.model();
        JsonNode update = await().atMost(WAIT).until(() -> model.first("session.update"), Objects::nonNull);
        assertThat(update.path("session").path("tools").findValuesAsText("name"))
                .contains(RealtimeBridgeHandler.KNOWLEDGE_TOOL);

        model.functionCall(RealtimeBridgeHandler.KNOWLEDGE_TOOL, "call_kb_1", "{\"query\":\"return policy\"}");
        JsonNode output = await().atMost(WAIT).until(() -> model.received("conversation.item.create").stream()
                .filter(item -> item.at("/item/call_id").asText().equals("call_kb_1")).findFirst().orElse(null),
                Objects::nonNull);
        // this tenant's agent has no knowledge base: the search answers, with nothing found
        JsonNode result = PayloadJson.tree(output.at("/item/output").asText()).path("result");
        assertThat(result.path("passages").isArray()).as(output.toString()).isTrue();
        assertThat(result.has("error")).as(output.toString()).isFalse();

        twilio.stop(call.callSid(), line.accountSid());
        await().atMost(WAIT).until(model::isClosed);
        twilio.close();
        assertThat(await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> callEvents(call.callId()), found -> found.stream()
                        .anyMatch(event -> CallEvent.ENDED.equals(event.type()))))
                .anySatisfy(event -> assertThat(event.toolName()).isEqualTo(RealtimeBridgeHandler.KNOWLEDGE_TOOL));
    }

    @Test
    void twilioStopEndsTheCallAsCompletedAndClosesTheModelSocket() {
        Started started = startCall();
        VoiceLine line = started.line();
        TwilioCall call = started.call();
        FakeTwilioMediaStream twilio = started.twilio();
        FakeOpenAiRealtimeServer.Connection model = started.model();

        twilio.stop(call.callSid(), line.accountSid());

        await().atMost(WAIT).until(model::isClosed);
        twilio.close();
        List<CallEvent> events = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> callEvents(call.callId()), found -> !found.isEmpty()
                        && CallEvent.ENDED.equals(found.get(found.size() - 1).type()));
        assertThat(events.get(events.size() - 1).endReason()).isEqualTo("completed");
    }

    /** A realtime call on a new line, its Media Stream started, and the model socket the bridge set up for it. */
    private Started startCall() {
        VoiceLine line = newLine(CallMode.REALTIME);
        TwilioCall call = call(line);
        int before = openai.connections().size();
        FakeTwilioMediaStream twilio = new FakeTwilioMediaStream();
        connect(call, twilio.listener);
        twilio.connected();
        twilio.start(call.callSid(), line.accountSid());
        await().atMost(WAIT).until(() -> openai.connections().size() > before);
        FakeOpenAiRealtimeServer.Connection model = openai.connections().get(before);
        await().atMost(WAIT).until(() -> model.first("session.update"), Objects::nonNull);
        return new Started(line, call, twilio, model);
    }

    private record Started(VoiceLine line, TwilioCall call, FakeTwilioMediaStream twilio,
                           FakeOpenAiRealtimeServer.Connection model) {
    }

    private static String summary(CallEvent event) {
        return switch (event.type()) {
            case CallEvent.TRANSCRIPT -> "transcript " + event.speaker() + ": " + event.text();
            case CallEvent.TOOL_CALL -> "tool_call " + event.toolName();
            case CallEvent.ENDED -> "ended " + event.endReason();
            default -> event.type();
        };
    }
}
