package com.custarea.routes.ai;

import java.util.Optional;

import com.custarea.schemas.AiRequest;

/** Decides what the AI agent does with a customer's message: answer, hand off, or stay silent. */
public interface AnswerEngine {

    /** The answer to {@code request} by {@code agent}, the tenant's agent for the channel, if it has one. */
    AgentAnswer answer(AiRequest request, Optional<AiAgents.AiAgent> agent);

    /**
     * The same answer, its text told to {@code listener} as it is produced; an engine that does not stream tells
     * its whole text once.
     */
    default AgentAnswer answer(AiRequest request, Optional<AiAgents.AiAgent> agent, AnswerListener listener) {
        AgentAnswer answer = answer(request, agent);
        if (answer.text() != null && !answer.text().isEmpty()) {
            listener.delta(answer.text());
        }
        return answer;
    }
}
