package com.custarea.voice.media;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts text that streams in into sentences as each one completes, so the first can be spoken while the rest is still
 * coming: at {@code ! ?} or {@code …} followed by whitespace, at a {@code .} followed by whitespace and a capital or a
 * digit unless it ends an abbreviation, at a line break, and at a comma of a sentence grown too long to wait for.
 */
final class SentenceStream {

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?…])\\s+|\\s*\\n\\s*");
    // "e.g." "U.S." "p.m." and a few titles end with a period but rarely end a sentence; "No." often does
    private static final Pattern ABBREVIATION = Pattern.compile(
            "(?i)(?:\\b(?:mr|mrs|ms|dr|prof|st|vs|approx|incl|dept|ca)|\\b(?:\\p{L}\\.)+\\p{L})\\.$");
    /** Past this many characters without an end, a sentence is cut at its last comma, semicolon or colon. */
    private static final int LONG_SENTENCE = 200;
    private static final Pattern CLAUSE_END = Pattern.compile("[,;:](?=\\s)");

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
        while (end.find()) {
            if (end.group().indexOf('\n') < 0 && pending.charAt(end.start() - 1) == '.') {
                if (ABBREVIATION.matcher(pending.substring(from, end.start())).find()) {
                    continue;
                }
                if (end.end() == pending.length()) {
                    // what follows the period decides: wait for it
                    break;
                }
                char next = pending.charAt(end.end());
                if (!Character.isUpperCase(next) && !Character.isDigit(next) && "\"'(“‘¿¡".indexOf(next) < 0) {
                    continue;
                }
            }
            add(done, pending.substring(from, end.start()));
            from = end.end();
        }
        pending.delete(0, from);
        cutLongSentence(done);
        return done;
    }

    /** The text is complete: its last sentence, if there is one. */
    List<String> finish() {
        List<String> done = new ArrayList<>();
        add(done, pending.toString());
        pending.setLength(0);
        return done;
    }

    /** A sentence that runs on is spoken up to its last clause end rather than held until its period. */
    private void cutLongSentence(List<String> done) {
        while (pending.length() > LONG_SENTENCE) {
            Matcher clause = CLAUSE_END.matcher(pending);
            int cut = -1;
            while (clause.find()) {
                cut = clause.end();
            }
            if (cut < 0) {
                return;
            }
            add(done, pending.substring(0, cut));
            pending.delete(0, cut);
        }
    }

    private static void add(List<String> sentences, String sentence) {
        if (!sentence.isBlank()) {
            sentences.add(sentence.strip());
        }
    }
}
