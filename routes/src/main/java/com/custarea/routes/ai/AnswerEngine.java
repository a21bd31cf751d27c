package com.custarea.routes.ai;

import java.util.Optional;

import com.custarea.schemas.AiRequest;

/** Decides what the AI agent does with a customer's message: answer, hand off, or stay silent. */
public interface AnswerEngine {

    /** The answer to {@code request} by {@code agent}, the tenant's agent for the channel, if it has one. */
    AgentAnswer answer(AiRequest request, Optional<AiAgents.AiAgent> agent);
}
