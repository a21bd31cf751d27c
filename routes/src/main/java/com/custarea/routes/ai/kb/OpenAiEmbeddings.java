package com.custarea.routes.ai.kb;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.Embedding;
import com.openai.models.embeddings.EmbeddingCreateParams;

/** Embeddings from OpenAI's embeddings API (text-embedding-3-small by default), normalised to unit length. */
public class OpenAiEmbeddings implements TextEmbeddings {

    /** The API takes at most 2,048 inputs a request. */
    private static final int MAX_INPUTS = 2048;

    private final OpenAIClient client;
    private final String model;
    private final int dimensions;

    public OpenAiEmbeddings(OpenAIClient client, String model, int dimensions) {
        this.client = client;
        this.model = model;
        this.dimensions = dimensions;
    }

    @Override
    public String model() {
        return "openai:" + model + ":" + dimensions;
    }

    @Override
    public int dimension() {
        return dimensions;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += MAX_INPUTS) {
            List<String> slice = texts.subList(from, Math.min(texts.size(), from + MAX_INPUTS));
            CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                    .model(model).dimensions(dimensions).inputOfArrayOfStrings(slice).build());
            List<Embedding> data = new ArrayList<>(response.data());
            if (data.size() != slice.size()) {
                throw new IllegalStateException("The embeddings API answered " + data.size() + " vectors for "
                        + slice.size() + " texts");
            }
            data.sort(Comparator.comparingLong(Embedding::index));
            for (Embedding embedding : data) {
                vectors.add(unit(embedding.embedding()));
            }
        }
        return vectors;
    }

    private float[] unit(List<Float> values) {
        if (values.size() != dimensions) {
            throw new IllegalStateException("The embeddings API answered " + values.size() + " dimensions, not "
                    + dimensions);
        }
        float[] vector = new float[values.size()];
        double norm = 0;
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
            norm += vector[i] * vector[i];
        }
        double length = Math.sqrt(norm);
        for (int i = 0; i < vector.length && length > 0; i++) {
            vector[i] /= (float) length;
        }
        return vector;
    }
}
