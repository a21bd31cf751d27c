package com.custarea.routes.ai.openai;

import java.time.Duration;
import java.util.Optional;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The OpenAI client (openai-java), when {@code OPENAI_API_KEY} is set: base URL configurable (a local fake in the
 * tests, or any server speaking the chat-completions API), a timeout per request, and the SDK's own retries of 429
 * and 5xx, which honour Retry-After.
 */
@Component
public class OpenAiChat {

    private final OpenAIClient client;
    private final int maxToolRounds;
    private final int historyTokens;

    public OpenAiChat(@Value("${custarea.ai.openai.api-key:}") String apiKey,
                      @Value("${custarea.ai.openai.base-url:https://api.openai.com/v1}") String baseUrl,
                      @Value("${custarea.ai.openai.timeout:30s}") Duration timeout,
                      @Value("${custarea.ai.openai.max-retries:2}") int maxRetries,
                      @Value("${custarea.ai.openai.max-tool-rounds:4}") int maxToolRounds,
                      @Value("${custarea.ai.openai.history-tokens:2000}") int historyTokens) {
        this.client = apiKey.isBlank() ? null : OpenAIOkHttpClient.builder().apiKey(apiKey).baseUrl(baseUrl)
                .timeout(timeout).maxRetries(maxRetries).build();
        this.maxToolRounds = maxToolRounds;
        this.historyTokens = historyTokens;
    }

    /** The client, when a key is configured. */
    public Optional<OpenAIClient> client() {
        return Optional.ofNullable(client);
    }

    public boolean configured() {
        return client != null;
    }

    public int maxToolRounds() {
        return maxToolRounds;
    }

    /** How many tokens of the conversation's recent turns go with each request (about four characters each). */
    public int historyTokens() {
        return historyTokens;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
