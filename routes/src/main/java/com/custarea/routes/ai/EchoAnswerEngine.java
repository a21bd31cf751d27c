package com.custarea.routes.ai;

import java.util.Map;
import java.util.Optional;

import com.custarea.schemas.AiRequest;
import org.springframework.stereotype.Component;

/**
 * An answer engine that echoes the customer's text back: it proves the whole loop (inbound ▶ agent ▶ outbound)
 * with no model at all, and drives the pipeline benchmark and the tests of the pipeline. It answers for tenants
 * without an agent when {@code custarea.ai.engine=echo}.
 */
@Component
public class EchoAnswerEngine implements AnswerEngine {

    static final String PREFIX = "Echo: ";

    @Override
    public AgentAnswer answer(AiRequest request, Optional<AiAgents.AiAgent> agent) {
        if (request.text() == null || request.text().isBlank()) {
            return AgentAnswer.silent();
        }
        return AgentAnswer.reply(PREFIX + request.text(), Map.of(AgentAnswer.ENGINE, "echo"));
    }
}
