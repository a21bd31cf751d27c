package com.custarea.routes.ai.kb;

import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Service;

/** Hybrid search of one agent's knowledge base: the question embedded for the vectors, its words for BM25. */
@Service
public class KnowledgeSearch {

    private final TextEmbeddings embeddings;
    private final KnowledgeIndex index;

    public KnowledgeSearch(TextEmbeddings embeddings, KnowledgeIndex index) {
        this.embeddings = embeddings;
        this.index = index;
    }

    public List<KnowledgeIndex.Hit> search(UUID tenantId, UUID agentId, String question, int limit) {
        return index.search(tenantId, agentId, question, embeddings.embed(question), limit);
    }

    /** The similarity of each of {@code sentences} to {@code question} (cosine of unit vectors). */
    public double[] similarities(String question, List<String> sentences) {
        float[] asked = embeddings.embed(question);
        List<float[]> vectors = embeddings.embedAll(sentences);
        double[] similarities = new double[vectors.size()];
        for (int i = 0; i < similarities.length; i++) {
            float[] vector = vectors.get(i);
            double dot = 0;
            for (int d = 0; d < vector.length; d++) {
                dot += asked[d] * vector[d];
            }
            similarities[i] = dot;
        }
        return similarities;
    }
}
