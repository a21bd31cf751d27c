package com.custarea.routes.ai;

/** Hears an answer while the engine produces it: the text as it streams in, and each tool the agent called. */
public interface AnswerListener {

    /** Hears nothing: for callers that want the whole answer only. */
    AnswerListener NONE = text -> {
    };

    /** The next piece of the answer's text. */
    void delta(String text);

    /**
     * The agent called {@code tool} with {@code arguments} (its JSON, as the model wrote it); {@code outcome} is what
     * it did, in a sentence or the tool's result.
     */
    default void toolCalled(String tool, String arguments, String outcome) {
    }
}
