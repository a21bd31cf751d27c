package com.custarea.routes.ai.kb;

import java.util.List;

/** Turns text into vectors for the knowledge base's semantic search; each vector is tagged with the model's name. */
public interface TextEmbeddings {

    /** The model's name, recorded with every vector so a change of model is noticed and re-embedded. */
    String model();

    int dimension();

    /** One vector per text, in order, each of unit length. */
    List<float[]> embedAll(List<String> texts);

    default float[] embed(String text) {
        return embedAll(List.of(text)).get(0);
    }
}
