package com.custarea.routes.ai.kb;

import java.util.List;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import org.springframework.stereotype.Component;

/**
 * The in-process embedding model, all-MiniLM-L6-v2 quantised (384 dimensions, from langchain4j): no key, no
 * network, a few milliseconds a chunk on a laptop core.
 */
@Component
public class LocalMiniLmEmbeddings implements TextEmbeddings {

    public static final String MODEL = "all-minilm-l6-v2-q";

    private final AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public int dimension() {
        return 384;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return model.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream()
                .map(embedding -> {
                    embedding.normalize();
                    return embedding.vector();
                }).toList();
    }
}
