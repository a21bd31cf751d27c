package com.custarea.voice.agent;

import com.custarea.voice.calls.CallSession;

/** The tenant's AI agent, as a call hears it: what it answers to what the caller said. */
public interface AgentClient {

    /**
     * The agent's answer to {@code utterance} on {@code call}, in the conversation the call belongs to (the same
     * agent, knowledge base and tools as the text channels).
     */
    AgentReply reply(CallSession call, String utterance);

    /** The agent's answer: the text to speak, and whether the agent handed the call to a human. */
    record AgentReply(String text, boolean handoff, String handoffReason) {
    }
}
