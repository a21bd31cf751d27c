package com.custarea.routes.ai.kb;

import java.util.Locale;

import com.custarea.routes.ai.openai.OpenAiChat;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Which model embeds the knowledge bases: {@code custarea.ai.kb.embeddings} = local (all-MiniLM-L6-v2, in process,
 * the default) or openai (needs OPENAI_API_KEY). Chunks embedded with another model are embedded again in the
 * background ({@link KnowledgeIndexSync}).
 */
@Configuration(proxyBeanMethods = false)
public class KnowledgeEmbeddingsConfiguration {

    @Bean
    @Primary
    TextEmbeddings knowledgeEmbeddings(LocalMiniLmEmbeddings local, OpenAiChat chat,
                                       @Value("${custarea.ai.kb.embeddings:local}") String kind,
                                       @Value("${custarea.ai.kb.openai-model:text-embedding-3-small}") String model,
                                       @Value("${custarea.ai.kb.openai-dimensions:1536}") int dimensions) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "local" -> local;
            case "openai" -> new OpenAiEmbeddings(chat.client().orElseThrow(() -> new IllegalStateException(
                    "custarea.ai.kb.embeddings=openai (CUSTAREA_KB_EMBEDDINGS) needs OPENAI_API_KEY")), model,
                    dimensions);
            default -> throw new IllegalArgumentException("custarea.ai.kb.embeddings (CUSTAREA_KB_EMBEDDINGS) must "
                    + "be local or openai, not " + kind);
        };
    }
}
