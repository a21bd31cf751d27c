package com.custarea.voice.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
 * fake OpenAI Realtime server set up for μ-law and server VAD with the agent's instructions and enabled tools, play
 * the model's audio back unchanged with marks, cut the model off when the caller talks over it, run the model's tool
 * calls in integration-app, hand the call over when the model calls handoff_to_human (or at once when the line's
 * agent is off), and publish the call's events so that the transcript lands in the customer's conversation.
 */
class RealtimeModeIT extends VoiceBridgeIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String TEAM_INSTRUCTIONS = "Callers about invoices get our billing hours: 9 to 5.";
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
        newAgent(line, "Ada", TEAM_INSTRUCTIONS, List.of("handoff_to_human", "search_knowledge_base",
                "create_ticket"));
        var call = call(line);
        assertThat(call.socketPath()).contains("/phone-ws/realtime/");
        int before = openai.connections().size();
        FakeTwilioMediaStream twilio = new FakeTwilioMediaStream();
        twilio.echoMarks(1); // Twilio has played the first frame of the answer when the caller talks over it
        connect(call, twilio.listener);
        twilio.connected();
        twilio.start(call.callSid(), line.accountSid());

        // the model's session: μ-law both ways, server VAD, the agent's instructions and exactly its tools
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
        assertThat(instructions).startsWith("You are Ada, ").contains("search_knowledge_base", "handoff_to_human",
                "on the phone", "The team's instructions:\n" + TEAM_INSTRUCTIONS,
                RealtimeBridgeHandler.END_CALL_RULE);
        assertThat(session.path("tools").findValuesAsText("name")).containsExactlyInAnyOrder(
                RealtimeBridgeHandler.HANDOFF_TOOL, "search_knowledge_base", "create_ticket",
                RealtimeBridgeHandler.END_TOOL);
        assertThat(session.path("tools")).allSatisfy(tool -> {
            assertThat(tool.path("type").asText()).isEqualTo("function");
            assertThat(tool.path("description").asText()).isNotBlank();
            assertThat(tool.at("/parameters/type").asText()).isEqualTo("object");
        });
        JsonNode createTicket = session.path("tools").findParents("name").stream()
                .filter(tool -> tool.path("name").asText().equals("create_ticket")).findFirst().orElseThrow();
        assertThat(createTicket.at("/parameters/required").toString()).isEqualTo("[\"subject\"]");
        assertThat(createTicket.at("/parameters/properties/subject/type").asText()).isEqualTo("string");

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
    void theModelsToolCallsRunInIntegrationAppForTheCallsConversation() {
        Started started = startCall(List.of("create_ticket", "search_knowledge_base"));
        VoiceLine line = started.line();
        TwilioCall call = started.call();
        FakeTwilioMediaStream twilio = started.twilio();
        FakeOpenAiRealtimeServer.Connection model = started.model();
        assertThat(model.first("session.update").path("session").path("tools").findValuesAsText("name"))
                .containsExactlyInAnyOrder("create_ticket", "search_knowledge_base", RealtimeBridgeHandler.END_TOOL);

        // a ticket: opened by integration-app in the caller's conversation, its id back to the model, which goes on
        model.functionCall("create_ticket", "call_ticket_1",
                "{\"subject\":\"Refund for order 1042\",\"priority\":\"high\"}");
        JsonNode ticketOutput = await().atMost(WAIT).until(() -> output(model, "call_ticket_1"), Objects::nonNull);
        String ticketId = PayloadJson.tree(ticketOutput.at("/item/output").asText()).path("ticketId").asText();
        assertThat(ticketId).as(ticketOutput.toString()).isNotBlank();
        await().atMost(WAIT).until(() -> model.received().indexOf(ticketOutput) < lastIndexOf(model,
                "response.create"));
        JsonNode ticket = apiGet(line, "/api/tickets/" + ticketId);
        assertThat(ticket.path("subject").asText()).isEqualTo("Refund for order 1042");
        assertThat(ticket.path("priority").asText()).isEqualTo("high");
        JsonNode contact = apiGet(line, "/api/contacts/" + ticket.path("contactId").asText());
        assertThat(contact.path("identifiers").findValuesAsText("value")).contains(call.from());

        // a search of the agent's knowledge base (it has none: nothing found, no error)
        model.functionCall("search_knowledge_base", "call_kb_1", "{\"query\":\"return policy\"}");
        JsonNode searchOutput = await().atMost(WAIT).until(() -> output(model, "call_kb_1"), Objects::nonNull);
        JsonNode passages = PayloadJson.tree(searchOutput.at("/item/output").asText());
        assertThat(passages.path("passages").isArray()).as(searchOutput.toString()).isTrue();
        assertThat(passages.has("error")).as(searchOutput.toString()).isFalse();

        // a tool the agent was not given is refused, and changes nothing
        model.functionCall("update_contact", "call_contact_1", "{\"name\":\"Mallory\"}");
        JsonNode refused = await().atMost(WAIT).until(() -> output(model, "call_contact_1"), Objects::nonNull);
        assertThat(PayloadJson.tree(refused.at("/item/output").asText()).path("error").asText())
                .contains("not available");

        twilio.stop(call.callSid(), line.accountSid());
        await().atMost(WAIT).until(model::isClosed);
        twilio.close();
        List<CallEvent> events = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> callEvents(call.callId()), found -> found.stream()
                        .anyMatch(event -> CallEvent.ENDED.equals(event.type())));
        assertThat(events).filteredOn(event -> CallEvent.TOOL_CALL.equals(event.type()))
                .extracting(CallEvent::toolName)
                .containsExactly("create_ticket", "search_knowledge_base", "update_contact");
        assertThat(events).filteredOn(event -> CallEvent.TOOL_CALL.equals(event.type())).first()
                .satisfies(event -> assertThat(event.toolArguments()).contains("Refund for order 1042"));
        assertThat(apiGet(line, "/api/contacts/" + ticket.path("contactId").asText()).path("name").asText(""))
                .isNotEqualTo("Mallory");
    }

    @Test
    void aLineWhoseAgentIsOffOrMissingGoesToTheTeamWithoutAModel() {
        VoiceLine off = newLine(CallMode.REALTIME, false);
        newAgent(off, "Ada", TEAM_INSTRUCTIONS, List.of("handoff_to_human"));
        VoiceLine noAgent = newLine(CallMode.REALTIME);
        int before = openai.connections().size();
        for (VoiceLine line : List.of(off, noAgent)) {
            TwilioCall call = call(line);
            FakeTwilioMediaStream twilio = new FakeTwilioMediaStream();
            connect(call, twilio.listener);
            twilio.connected();
            twilio.start(call.callSid(), line.accountSid());
            twilio.media(FakeOpenAiRealtimeServer.tone(0, 160));

            await().atMost(WAIT).until(twilio.closed::isDone);
            List<CallEvent> events = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> callEvents(call.callId()), found -> !found.isEmpty()
                            && CallEvent.ENDED.equals(found.get(found.size() - 1).type()));
            assertThat(events).extracting(RealtimeModeIT::summary).containsExactly("started", "ended handoff");

            // Twilio then asks the <Connect> action what next: the line's transfer number
            Map<String, String> after = new TreeMap<>(Map.of("CallSid", call.callSid(), "AccountSid",
                    line.accountSid(), "From", call.from(), "To", line.phoneNumber(), "Direction", "inbound",
                    "CallStatus", "in-progress"));
            HttpResponse<String> next = postForm("/twiml/handoff", after, line.authToken());
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).contains("<Dial>" + line.transferNumber() + "</Dial>");
        }
        assertThat(openai.connections()).as("no model session was opened").hasSize(before);
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
        return startCall(List.of("handoff_to_human"));
    }

    /** {@link #startCall()} with an agent given {@code tools}. */
    private Started startCall(List<String> tools) {
        VoiceLine line = newLine(CallMode.REALTIME);
        newAgent(line, "Ada", TEAM_INSTRUCTIONS, tools);
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

    /** The function_call_output the bridge sent for the model's call {@code callId}; null before. */
    private static JsonNode output(FakeOpenAiRealtimeServer.Connection model, String callId) {
        return model.received("conversation.item.create").stream()
                .filter(item -> item.at("/item/type").asText().equals("function_call_output")
                        && item.at("/item/call_id").asText().equals(callId)).findFirst().orElse(null);
    }

    private static int lastIndexOf(FakeOpenAiRealtimeServer.Connection model, String type) {
        List<JsonNode> received = model.received();
        for (int i = received.size() - 1; i >= 0; i--) {
            if (type.equals(received.get(i).path("type").asText())) {
                return i;
            }
        }
        return -1;
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
