package com.custarea.routes.ai;

import java.util.Optional;

import com.custarea.schemas.AiRequest;

/** Decides what the AI agent answers to a customer's message; empty means it stays silent. */
public interface AnswerEngine {

    Optional<String> answer(AiRequest request);
}
