package com.custarea.voice.media;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts text that streams in into sentences as each one completes, so the first can be spoken while the rest is still
 * coming: a sentence ends at {@code . ! ?} or {@code …} followed by whitespace, and at a line break.
 */
final class SentenceStream {

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?…])\\s+|\\s*\\n\\s*");

    private final StringBuilder pending = new StringBuilder();

    /** The sentences of a whole text. */
    static List<String> of(String text) {
        SentenceStream sentences = new SentenceStream();
        List<String> all = new ArrayList<>(sentences.append(text == null ? "" : text));
        all.addAll(sentences.finish());
        return all;
    }

    /** Takes the next piece of text; returns the sentences it completed, in order. */
    List<String> append(String delta) {
        pending.append(delta);
        List<String> done = new ArrayList<>();
        Matcher end = SENTENCE_END.matcher(pending);
        int from = 0;
        // a boundary at the very end may still grow (more whitespace), but the sentence before it is complete
        while (end.find()) {
            add(done, pending.substring(from, end.start()));
            from = end.end();
        }
        pending.delete(0, from);
        return done;
    }

    /** The text is complete: its last sentence, if there is one. */
    List<String> finish() {
        List<String> done = new ArrayList<>();
        add(done, pending.toString());
        pending.setLength(0);
        return done;
    }

    private static void add(List<String> sentences, String sentence) {
        if (!sentence.isBlank()) {
            sentences.add(sentence.strip());
        }
    }
}
