package com.custarea.voice.convrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallMode;
import com.custarea.voice.lines.VoiceLine;
import com.custarea.voice.support.VoiceBridgeIntegrationTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The convrelay mode end to end, with integration-app's echo agent: the line's greeting, then scripted prompts get
 * the agent's reply streamed back word by word, an interrupt stops the reply being streamed, pressing 0 hands the call
 * over with {@code end}, and the call's transcript goes to calls.events in order.
 */
class ConversationRelayIT extends VoiceBridgeIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GREETING = "Hello, this is the parcel desk. How can I help?";

    @Autowired
    ConversationRelayHandler relay;

    @BeforeEach
    void slowTheTokensDown() {
        relay.tokenInterval(Duration.ofMillis(25)); // an interrupt can then land while a reply streams
    }

    @AfterEach
    void restoreTheTokenPace() {
        relay.tokenInterval(Duration.ZERO);
    }

    @Test
    void streamsTheAgentsRepliesStopsOnInterruptAndHandsOverOnZero() {
        VoiceLine line = newLine(CallMode.CONVRELAY, true, GREETING);
        var call = call(line);
        assertThat(call.twiml()).contains("<ConversationRelay");
        FakeConversationRelay twilio = new FakeConversationRelay();
        connect(call, twilio.listener);
        twilio.setup(call.callSid(), line.accountSid(), call.from(), line.phoneNumber());
        List<String> expected = new ArrayList<>(List.of("started"));
        // the line's greeting first
        await().atMost(WAIT).until(() -> twilio.replyEnded(0));
        assertThat(FakeConversationRelay.join(twilio.tokensFrom(0))).isEqualTo(GREETING);
        expected.add("transcript agent: " + GREETING);

        // a prompt: the agent's reply as tokens, the last one last
        int first = twilio.tokenCount();
        twilio.prompt("Where is my order?");
        await().atMost(WAIT).until(() -> twilio.replyEnded(first));
        List<JsonNode> reply = twilio.tokensFrom(first);
        assertThat(FakeConversationRelay.join(reply)).isEqualTo("Echo: Where is my order?");
        assertThat(reply).hasSizeGreaterThan(1);
        assertThat(reply.subList(0, reply.size() - 1)).noneMatch(token -> token.path("last").asBoolean());
        assertThat(reply.get(reply.size() - 1).path("last").asBoolean()).isTrue();
        expected.add("transcript caller: Where is my order?");
        expected.add("transcript agent: Echo: Where is my order?");

        // a long reply, interrupted while it streams: the stream stops (allowing for the tokens in flight)
        String longPrompt = IntStream.rangeClosed(1, 150).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
        int second = twilio.tokenCount();
        twilio.prompt(longPrompt);
        await().atMost(WAIT).until(() -> twilio.tokensFrom(second).size() >= 5);
        List<JsonNode> heard = twilio.tokensFrom(second);
        twilio.interrupt(FakeConversationRelay.join(heard), heard.size() * 300L);
        AtomicInteger seen = new AtomicInteger(-1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            int now = twilio.tokensFrom(second).size();
            return seen.getAndSet(now) == now;
        });
        List<JsonNode> interrupted = twilio.tokensFrom(second);
        assertThat(interrupted).noneMatch(token -> token.path("last").asBoolean());
        assertThat(interrupted.size()).isLessThan(151).isLessThanOrEqualTo(heard.size() + 40);
        assertThat("Echo: " + longPrompt).startsWith(FakeConversationRelay.join(interrupted));
        expected.add("transcript caller: " + longPrompt);
        // kept as far as Twilio says it was heard: the agent reads this history next turn
        expected.add("transcript agent: " + FakeConversationRelay.join(heard).strip());

        // 0: the call goes to a human
        twilio.dtmf("0");
        JsonNode end = await().atMost(WAIT).until(() -> twilio.received("end").stream().findFirst().orElse(null),
                Objects::nonNull);
        JsonNode handoff = PayloadJson.tree(end.path("handoffData").asText());
        assertThat(handoff.path("reason").asText()).contains("0");
        assertThat(handoff.path("callId").asText()).isEqualTo(call.callId().toString());
        twilio.close();
        await().atMost(WAIT).until(twilio.closed::isDone);
        expected.add("ended handoff");

        List<CallEvent> events = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> callEvents(call.callId()), found -> !found.isEmpty()
                        && CallEvent.ENDED.equals(found.get(found.size() - 1).type()));
        assertThat(events).extracting(ConversationRelayIT::summary).containsExactlyElementsOf(expected);
        assertThat(events.get(0).mode()).isEqualTo(CallMode.CONVRELAY.wireName());
    }

    @Test
    void aClosedSocketEndsTheCallAsCompleted() {
        VoiceLine line = newLine(CallMode.CONVRELAY);
        var call = call(line);
        FakeConversationRelay twilio = new FakeConversationRelay();
        connect(call, twilio.listener);
        twilio.setup(call.callSid(), line.accountSid(), call.from(), line.phoneNumber());
        int first = twilio.tokenCount();
        twilio.prompt("Hello");
        await().atMost(WAIT).until(() -> twilio.replyEnded(first));

        twilio.close();

        List<CallEvent> events = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> callEvents(call.callId()), found -> !found.isEmpty()
                        && CallEvent.ENDED.equals(found.get(found.size() - 1).type()));
        assertThat(events.get(events.size() - 1).endReason()).isEqualTo("completed");
    }

    @Test
    void tokensJoinBackToTheReply() {
        assertThat(ConversationRelayHandler.tokens("Echo: Where is  my order?"))
                .containsExactly("Echo: ", "Where ", "is  ", "my ", "order?");
        assertThat(ConversationRelayHandler.tokens("Hello")).containsExactly("Hello");
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
