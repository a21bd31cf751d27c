package com.custarea.routes.ai;

import java.util.Locale;
import java.util.Optional;

import com.custarea.routes.ai.openai.OpenAiAnswerEngine;
import com.custarea.routes.ai.openai.OpenAiChat;
import com.custarea.schemas.AiRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Picks the engine for each request: an agent's model names it (offline, the built-in engine that answers from the
 * knowledge base; any other name, a chat model through OpenAI when a key is configured); a tenant without an agent
 * for the channel gets {@code custarea.ai.engine} (offline, which hands such conversations to the team, or echo for
 * tests and benchmarks).
 */
@Component
public class AnswerEngines {

    private final OfflineAnswerEngine offline;
    private final OpenAiAnswerEngine openAi;
    private final OpenAiChat chat;
    private final AnswerEngine withoutAgent;

    public AnswerEngines(OfflineAnswerEngine offline, EchoAnswerEngine echo, OpenAiAnswerEngine openAi,
                         OpenAiChat chat, @Value("${custarea.ai.engine:offline}") String withoutAgent) {
        this.offline = offline;
        this.openAi = openAi;
        this.chat = chat;
        this.withoutAgent = switch (withoutAgent.toLowerCase(Locale.ROOT)) {
            case "offline" -> offline;
            case "echo" -> echo;
            default -> throw new IllegalArgumentException("custarea.ai.engine (CUSTAREA_AI_ENGINE) must be offline "
                    + "or echo, not " + withoutAgent);
        };
    }

    public AgentAnswer answer(AiRequest request, Optional<AiAgents.AiAgent> agent) {
        return answer(request, agent, AnswerListener.NONE);
    }

    /** The answer, its text told to {@code listener} as the engine produces it (whole, by engines without a model). */
    public AgentAnswer answer(AiRequest request, Optional<AiAgents.AiAgent> agent, AnswerListener listener) {
        return engineFor(agent).answer(request, agent, listener);
    }

    private AnswerEngine engineFor(Optional<AiAgents.AiAgent> agent) {
        if (agent.isEmpty()) {
            return withoutAgent;
        }
        if (AiAgents.OFFLINE_MODEL.equals(agent.get().model()) || !chat.configured()) {
            return offline;
        }
        return openAi;
    }
}
