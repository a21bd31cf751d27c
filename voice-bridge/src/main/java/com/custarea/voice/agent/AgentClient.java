package com.custarea.voice.agent;

import java.util.List;
import java.util.function.Consumer;

import com.custarea.voice.calls.CallSession;

/** The tenant's AI agent, as a call hears it: what it answers to what the caller said. */
public interface AgentClient {

    /**
     * The agent's answer to {@code utterance} on {@code call}, in the conversation the call belongs to (the same
     * agent, knowledge base and tools as the text channels): its text is told to {@code deltas} piece by piece as it
     * streams in (on the calling thread), and the whole reply is returned at its end.
     */
    AgentReply reply(CallSession call, String utterance, Consumer<String> deltas);

    /**
     * The agent's answer: the text said (every delta, in order), whether the agent handed the call to a human, and
     * the tools it called on the way.
     */
    record AgentReply(String text, boolean handoff, String handoffReason, List<ToolCall> toolCalls) {

        public AgentReply {
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /** A tool the agent called: its name, its arguments as the model wrote them, and what it did. */
    record ToolCall(String name, String arguments, String outcome) {
    }
}
