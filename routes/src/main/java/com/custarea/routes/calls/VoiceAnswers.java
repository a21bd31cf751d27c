package com.custarea.routes.calls;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import com.custarea.routes.ai.AgentAnswer;
import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.ai.AnswerEngines;
import com.custarea.routes.ai.AnswerListener;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.EventPublisher;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.Channel;
import org.springframework.stereotype.Service;

/**
 * The AI agent on the phone: what the caller said, answered by the same engines, agent, knowledge base and tools as
 * every text channel, in the call's conversation (whose transcript the recorder keeps, so the agent sees the call so
 * far). The answer is spoken as it streams in, cleaned of citations and markdown; a line whose agent is off hands
 * every caller to the team.
 */
@Service
public class VoiceAnswers {

    /**
     * What was said (every piece streamed, in order), whether the call goes to a human after it, and the tools the
     * agent called on the way.
     */
    public record VoiceAnswer(String text, boolean handoff, String handoffReason, List<ToolCall> toolCalls) {

        public VoiceAnswer {
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /** A tool the agent called: its name, its arguments as the model wrote them, and what it did. */
    public record ToolCall(String name, String arguments, String outcome) {
    }

    /** One answer to give, its request checked: {@link #answer} runs the agent. */
    public final class Turn {

        private final ChannelSettings line;
        private final UUID callId;
        private final String callSid;
        private final String customerNumber;
        private final String utterance;

        private Turn(ChannelSettings line, UUID callId, String callSid, String customerNumber, String utterance) {
            this.line = line;
            this.callId = callId;
            this.callSid = callSid;
            this.customerNumber = customerNumber;
            this.utterance = utterance;
        }

        /**
         * The agent's answer, its text told to {@code spoken} as it streams in, ready to say. What the engine
         * streamed has been said: a final text that goes on from it adds its rest, one that neither goes on from it
         * nor is part of it (a hand-off's polite text after a broken stream) is said after it whole; the answer's
         * text is everything said.
         */
        public VoiceAnswer answer(Consumer<String> spoken) {
            SpokenText speech = new SpokenText(spoken);
            if (!line.aiAgentEnabled()) {
                speech.append(TO_THE_TEAM);
                speech.finish();
                return new VoiceAnswer(speech.said(), true, "the AI agent is off on this line", List.of());
            }
            CallConversations.CallConversation where = places.conversation(line, callId, callSid, customerNumber);
            AiRequest request = new AiRequest(UUID.randomUUID(), line.tenantId(), Instant.now(),
                    AiRequest.SCHEMA_VERSION, VoiceCallPlaces.correlationId(callId), where.conversationId(), null,
                    where.contactId(), Channel.VOICE, line.id(), utterance);
            StringBuilder streamed = new StringBuilder();
            List<ToolCall> toolCalls = new ArrayList<>();
            AgentAnswer answer = engines.answer(request, agents.forChannel(line.tenantId(), line.id()),
                    new AnswerListener() {
                        @Override
                        public void delta(String text) {
                            streamed.append(text);
                            speech.append(text);
                        }

                        @Override
                        public void toolCalled(String tool, String arguments, String outcome) {
                            toolCalls.add(new ToolCall(tool, arguments, outcome));
                        }
                    });
            // what the agent's tools changed (a ticket, a contact) is announced as from any channel; the team's
            // note of each tool call is the recorder's (the bridge sends them to calls.events), not answer.notes()
            publisher.publish(answer.records());
            speech.append(unsaid(streamed.toString(), answer.text()));
            speech.finish();
            return new VoiceAnswer(speech.said(), answer.handoffReason() != null, answer.handoffReason(),
                    toolCalls);
        }
    }

    static final String TO_THE_TEAM = "Let me connect you with someone from the team.";

    private final VoiceCallPlaces places;
    private final AnswerEngines engines;
    private final AiAgents agents;
    private final EventPublisher publisher;

    public VoiceAnswers(VoiceCallPlaces places, AnswerEngines engines, AiAgents agents, EventPublisher publisher) {
        this.places = places;
        this.engines = engines;
        this.agents = agents;
        this.publisher = publisher;
    }

    /** Checks the request (the tenant's voice line) before anything runs: a ProblemException when it is wrong. */
    public Turn turn(UUID tenantId, UUID channelId, UUID callId, String callSid, String customerNumber,
                     String utterance) {
        return new Turn(places.line(tenantId, channelId), callId, callSid, customerNumber, utterance);
    }

    /** The whole answer at once. */
    public VoiceAnswer answer(UUID tenantId, UUID channelId, UUID callId, String callSid, String customerNumber,
                              String utterance) {
        return turn(tenantId, channelId, callId, callSid, customerNumber, utterance).answer(text -> {
        });
    }

    /** What of the answer's final {@code text} the stream did not say (see {@link Turn#answer}). */
    static String unsaid(String streamed, String text) {
        String done = streamed.strip();
        String last = Optional.ofNullable(text).orElse("").strip();
        if (last.isEmpty() || done.contains(last)) {
            return "";
        }
        if (last.startsWith(done)) {
            return last.substring(done.length());
        }
        return done.isEmpty() ? last : "\n" + last;
    }
}
