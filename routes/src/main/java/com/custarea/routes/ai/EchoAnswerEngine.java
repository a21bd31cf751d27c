package com.custarea.routes.ai;

import java.util.Optional;

import com.custarea.schemas.AiRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * An answer engine that echoes the customer's text back: it proves the whole loop (inbound ▶ agent ▶ outbound)
 * with no model at all, and drives the pipeline benchmark. Chosen with {@code custarea.ai.engine=echo}.
 */
@Component
@ConditionalOnProperty(name = "custarea.ai.engine", havingValue = "echo", matchIfMissing = true)
public class EchoAnswerEngine implements AnswerEngine {

    static final String PREFIX = "Echo: ";

    @Override
    public Optional<String> answer(AiRequest request) {
        if (request.text() == null || request.text().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(PREFIX + request.text());
    }
}
