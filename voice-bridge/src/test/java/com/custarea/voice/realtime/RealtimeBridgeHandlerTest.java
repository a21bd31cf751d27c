package com.custarea.voice.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallEventPublisher;
import com.custarea.voice.calls.CallMode;
import com.custarea.voice.calls.CallSession;
import com.custarea.voice.calls.CallSessions;
import com.custarea.voice.lines.VoiceLine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The realtime bridge against the fake Realtime server with a scripted agent: the session carries exactly the
 * agent's tools and instructions, a tool call leaves the model socket's thread free (the model's audio still reaches
 * Twilio while the tool runs) and the model is asked to go on only after the tool's output and never over a response
 * of its own, and a line whose agent is off, or cannot be asked, gets no model and is handed to the team.
 */
class RealtimeBridgeHandlerTest {

    private static final String KEY = "sk-test-realtime";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ScriptedAgent agent = new ScriptedAgent();
    private final CallEventPublisher events = mock(CallEventPublisher.class);
    private final CallSessions sessions = new CallSessions(events, 10, Duration.ofSeconds(30));
    private final List<JsonNode> toTwilio = new CopyOnWriteArrayList<>();
    private final WebSocketSession twilio = mock(WebSocketSession.class);
    private FakeOpenAiRealtimeServer openai;
    private String callSid;
    private RealtimeBridgeHandler handler;

    @BeforeEach
    void start() throws IOException {
        int port = freePort();
        openai = FakeOpenAiRealtimeServer.start(port, KEY).replyAfterAppends(0);
        handler = new RealtimeBridgeHandler(sessions, events, agent, "ws://127.0.0.1:" + port
                + FakeOpenAiRealtimeServer.PATH, KEY, "marin", "gpt-4o-mini-transcribe", Duration.ofSeconds(20));
        when(twilio.isOpen()).thenReturn(true);
        doAnswer(invocation -> {
            toTwilio.add(PayloadJson.tree(((TextMessage) invocation.getArgument(0)).getPayload()));
            return null;
        }).when(twilio).sendMessage(any());
    }

    @AfterEach
    void stop() {
        handler.stop();
        openai.close();
    }

    @Test
    void theSessionOffersExactlyTheAgentsToolsAndTheBridgesEndCallWithTheAgentsInstructions() {
        ObjectNode update = handler.sessionUpdate(line(), new RealtimeAgent.Setup(true, null, "You are Ada.",
                tools("create_ticket", "end_call")));

        JsonNode session = update.path("session");
        assertThat(session.path("instructions").asText()).isEqualTo("You are Ada.\n\n"
                + RealtimeBridgeHandler.END_CALL_RULE);
        assertThat(session.path("tools").findValuesAsText("name")).containsExactly("create_ticket",
                RealtimeBridgeHandler.END_TOOL);
        assertThat(session.at("/tools/0/parameters/required/0").asText()).isEqualTo("subject");
        assertThat(session.at("/tools/0/description").asText()).isEqualTo("Does create_ticket");
    }

    @Test
    void aToolRunsOffTheModelSocketsThreadAndTheModelGoesOnOnlyAfterItsOutput() {
        agent.setup = CompletableFuture.completedFuture(new RealtimeAgent.Setup(true, null, "You are Ada.",
                tools("create_ticket")));
        CallSession call = open();
        RealtimeBridgeHandler.Bridge bridge = handler.open(call, twilio);
        bridge.start(startEvent(call));
        FakeOpenAiRealtimeServer.Connection model = await().atMost(WAIT).until(
                () -> openai.connections().isEmpty() ? null : openai.connections().get(0), Objects::nonNull);
        await().atMost(WAIT).until(() -> model.first("session.update"), Objects::nonNull);

        // a response that used no tokens is not counted (the tool call's response after it is)
        model.send(PayloadJson.mapper().createObjectNode().put("type", "response.done"));
        model.functionCall("create_ticket", "call_1", "{\"subject\":\"Refund\"}");
        await().atMost(WAIT).until(() -> agent.calls.size() == 1);
        assertThat(agent.calls.get(0)).isEqualTo("call_1 create_ticket {\"subject\":\"Refund\"}");
        await().atMost(WAIT).until(() -> !agent.usage.isEmpty());
        assertThat(agent.usage).containsExactly((long) FakeOpenAiRealtimeServer.RESPONSE_TOKENS);

        // the tool is still running: the model's audio reaches Twilio all the same
        String audio = FakeOpenAiRealtimeServer.tone(0, 160);
        model.send(PayloadJson.mapper().createObjectNode().put("type", "response.output_audio.delta")
                .put("item_id", "item_9").put("delta", audio));
        await().atMost(WAIT).until(() -> toTwilio.stream().anyMatch(message -> "media".equals(
                message.path("event").asText()) && audio.equals(message.at("/media/payload").asText())));
        assertThat(model.received("conversation.item.create")).isEmpty();
        assertThat(model.received("response.create")).isEmpty();

        agent.toolResult.complete("{\"ticketId\":\"t-1\"}");
        await().atMost(WAIT).until(() -> !model.received("response.create").isEmpty());
        List<JsonNode> received = model.received();
        JsonNode output = model.first("conversation.item.create");
        assertThat(output.at("/item/type").asText()).isEqualTo("function_call_output");
        assertThat(output.at("/item/call_id").asText()).isEqualTo("call_1");
        assertThat(output.at("/item/output").asText()).isEqualTo("{\"ticketId\":\"t-1\"}");
        assertThat(received.indexOf(output)).isLessThan(received.indexOf(model.first("response.create")));
        verify(events).toolCall(call, "create_ticket", "{\"subject\":\"Refund\"}");
    }

    @Test
    void aToolsOutputWaitsForTheResponseTheModelStartedMeanwhileAndIsThenSpoken() {
        FakeOpenAiRealtimeServer.Connection model = callWithTool();
        model.functionCall("create_ticket", "call_1", "{\"subject\":\"Refund\"}");
        await().atMost(WAIT).until(() -> agent.calls.size() == 1);

        // the caller spoke while the tool ran: server VAD started a response of its own, the bridge has heard of it
        model.beginResponse(true);
        String audio = FakeOpenAiRealtimeServer.tone(0, 160);
        model.send(PayloadJson.mapper().createObjectNode().put("type", "response.output_audio.delta")
                .put("item_id", "item_vad").put("delta", audio));
        await().atMost(WAIT).until(() -> twilioGot(audio));
        agent.toolResult.complete("{\"ticketId\":\"t-1\"}");
        await().atMost(WAIT).until(() -> model.first("conversation.item.create") != null);
        // a response.create would have followed the output on the same socket at once
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> model.received("response.create").isEmpty());

        model.endResponse();
        await().atMost(WAIT).until(() -> model.received("response.create").size() == 1);
        await().atMost(WAIT).until(() -> twilioGot(FakeOpenAiRealtimeServer.GOODBYE_AUDIO.get(0)));
        assertThat(model.errors()).isEmpty();
    }

    @Test
    void aResponseCreateTheModelRefusesWhileItsOwnResponseGoesOnIsSentAgainWhenThatResponseIsDone() {
        FakeOpenAiRealtimeServer.Connection model = callWithTool();
        model.functionCall("create_ticket", "call_1", "{\"subject\":\"Refund\"}");
        await().atMost(WAIT).until(() -> agent.calls.size() == 1);

        // the model's own response.created is still on its way when the tool's output goes
        model.beginResponse(false);
        agent.toolResult.complete("{\"ticketId\":\"t-1\"}");
        await().atMost(WAIT).until(() -> model.errors().size() == 1);
        assertThat(model.errors().get(0).at("/error/code").asText())
                .isEqualTo(RealtimeBridgeHandler.ACTIVE_RESPONSE_ERROR);

        model.endResponse();
        await().atMost(WAIT).until(() -> model.received("response.create").size() == 2);
        await().atMost(WAIT).until(() -> twilioGot(FakeOpenAiRealtimeServer.GOODBYE_AUDIO.get(0)));
        assertThat(model.errors()).hasSize(1);
        assertThat(sessions.endReason(callSid)).isEmpty();
    }

    @Test
    void aSetupTheSessionCannotBeMadeOfEndsTheCallAsFailed() throws IOException {
        // tools that cannot be read: building the session.update throws on the HTTP client's thread
        JsonNode broken = new ArrayNode(JsonNodeFactory.instance) {
            @Override
            public Iterator<JsonNode> elements() {
                throw new IllegalStateException("unreadable tools");
            }
        };
        CompletableFuture<RealtimeAgent.Setup> setup = new CompletableFuture<>();
        agent.setup = setup;
        CallSession call = open();
        handler.open(call, twilio).start(startEvent(call));

        setup.complete(new RealtimeAgent.Setup(true, null, "You are Ada.", broken));

        await().atMost(WAIT).until(() -> sessions.endReason(call.callSid()).isPresent());
        assertThat(sessions.endReason(call.callSid())).contains("failed");
        verify(twilio).close(CloseStatus.SERVER_ERROR);
        assertThat(openai.connections()).as("no model socket left open").isEmpty();
    }

    @Test
    void aLineWhoseAgentIsOffGetsNoModelAndGoesToTheTeam() throws IOException {
        agent.setup = CompletableFuture.completedFuture(new RealtimeAgent.Setup(false,
                "the AI agent is off on this line", null, PayloadJson.mapper().createArrayNode()));
        CallSession call = open();
        RealtimeBridgeHandler.Bridge bridge = handler.open(call, twilio);

        bridge.start(startEvent(call));

        await().atMost(WAIT).until(() -> sessions.endReason(call.callSid()).isPresent());
        assertThat(sessions.endReason(call.callSid())).contains("handoff");
        verify(twilio).close(CloseStatus.NORMAL);
        assertThat(openai.connections()).isEmpty();
    }

    @Test
    void aCallWhoseAgentCannotBeAskedGoesToTheTeam() throws IOException {
        agent.setup = CompletableFuture.failedFuture(new IOException("integration-app is restarting"));
        CallSession call = open();

        handler.open(call, twilio).start(startEvent(call));

        await().atMost(WAIT).until(() -> sessions.endReason(call.callSid()).isPresent());
        assertThat(sessions.endReason(call.callSid())).contains("handoff");
        verify(twilio).close(CloseStatus.NORMAL);
        assertThat(openai.connections()).isEmpty();
    }

    /** A call whose agent has the create_ticket tool, its model session set up. */
    private FakeOpenAiRealtimeServer.Connection callWithTool() {
        agent.setup = CompletableFuture.completedFuture(new RealtimeAgent.Setup(true, null, "You are Ada.",
                tools("create_ticket")));
        CallSession call = open();
        callSid = call.callSid();
        handler.open(call, twilio).start(startEvent(call));
        FakeOpenAiRealtimeServer.Connection model = await().atMost(WAIT).until(
                () -> openai.connections().isEmpty() ? null : openai.connections().get(0), Objects::nonNull);
        await().atMost(WAIT).until(() -> model.first("session.update"), Objects::nonNull);
        return model;
    }

    private boolean twilioGot(String audio) {
        return toTwilio.stream().anyMatch(message -> "media".equals(message.path("event").asText())
                && audio.equals(message.at("/media/payload").asText()));
    }

    private CallSession open() {
        return sessions.open(line(), "CA" + UUID.randomUUID().toString().replace("-", ""), "+14155550100",
                "+14155550199", "inbound", CallMode.REALTIME);
    }

    private static VoiceLine line() {
        return new VoiceLine(UUID.randomUUID(), UUID.randomUUID(), "+14155550199", CallMode.REALTIME, "AC1",
                "token", null, null, "en-US", null, "+14155550111");
    }

    private static JsonNode startEvent(CallSession call) {
        ObjectNode start = PayloadJson.mapper().createObjectNode().put("event", "start");
        start.putObject("start").put("streamSid", "MZ1").put("callSid", call.callSid());
        return start;
    }

    /** Tool definitions as integration-app gives them: a name, a description, a JSON Schema. */
    private static JsonNode tools(String... names) {
        var tools = PayloadJson.mapper().createArrayNode();
        for (String name : names) {
            ObjectNode parameters = tools.addObject().put("name", name).put("description", "Does " + name)
                    .putObject("parameters").put("type", "object");
            parameters.putObject("properties").putObject("subject").put("type", "string");
            parameters.putArray("required").add("subject");
        }
        return tools;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An agent whose setup and tool result the test decides. */
    private static final class ScriptedAgent implements RealtimeAgent {

        private volatile CompletableFuture<Setup> setup = new CompletableFuture<>();
        private final CompletableFuture<String> toolResult = new CompletableFuture<>();
        private final List<String> calls = new CopyOnWriteArrayList<>();
        private final List<Long> usage = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Setup> setup(CallSession call) {
            return setup;
        }

        @Override
        public CompletableFuture<String> callTool(CallSession call, String toolCallId, String name,
                                                  String arguments) {
            calls.add(toolCallId + " " + name + " " + arguments);
            return toolResult;
        }

        @Override
        public void recordUsage(CallSession call, long tokens) {
            usage.add(tokens);
        }
    }
}
