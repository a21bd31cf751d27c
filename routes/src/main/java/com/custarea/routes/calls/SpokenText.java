package com.custarea.routes.calls;

import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The agent's text as a phone says it, cleaned while it streams in: without the {@code [n]} citations the model is
 * asked for and without markdown (emphasis, bullets, headings, links, code marks), which speech would read aloud.
 * Text is handed on in whole words, holding back a word that may still turn out to be a citation or a link.
 */
final class SpokenText {

    private static final Pattern LINK = Pattern.compile("\\[([^\\]\\n]+)]\\([^)\\s]*\\)");
    private static final Pattern CITATION = Pattern.compile("\\s*\\[\\d+(?:\\s*[,;–-]\\s*\\d+)*]");
    private static final Pattern LINE_MARKER = Pattern.compile("(?m)^[ \\t]*(?:[-*+•>]|#{1,6})(?=[ \\t]|$)[ \\t]*");
    private static final Pattern OPENING_MARK = Pattern.compile("(?<![\\w*_`])[*_`]{1,3}(?=\\S)");
    private static final Pattern CLOSING_MARK = Pattern.compile("(?<=\\S)[*_`]{1,3}(?![\\w*_`])");
    /** How far back an open bracket holds the text (a citation or a link's text is short). */
    private static final int BRACKET_HOLD = 300;

    private final Consumer<String> out;
    private final StringBuilder raw = new StringBuilder();
    private final StringBuilder said = new StringBuilder();

    /** {@code out} hears the cleaned text piece by piece. */
    SpokenText(Consumer<String> out) {
        this.out = out;
    }

    /** The text cleaned for speech, whole. */
    static String clean(String text) {
        String cleaned = LINK.matcher(text).replaceAll("$1");
        cleaned = CITATION.matcher(cleaned).replaceAll("");
        cleaned = LINE_MARKER.matcher(cleaned).replaceAll("");
        cleaned = OPENING_MARK.matcher(cleaned).replaceAll("");
        cleaned = CLOSING_MARK.matcher(cleaned).replaceAll("");
        return cleaned.strip();
    }

    /** Takes the next piece of the raw text, and hands on the words it completes. */
    void append(String delta) {
        raw.append(delta);
        release(safeEnd());
    }

    /** The raw text is complete: hands on the rest. */
    void finish() {
        release(raw.length());
    }

    /** Everything handed on so far. */
    String said() {
        return said.toString();
    }

    /**
     * Where the raw text can be cut so that cleaning the part before gives a prefix of cleaning it all: before the
     * last run of whitespace (the word after it may go on), and before a bracket that is not closed yet.
     */
    private int safeEnd() {
        int end = raw.length();
        while (end > 0 && !Character.isWhitespace(raw.charAt(end - 1))) {
            end--;
        }
        while (end > 0 && Character.isWhitespace(raw.charAt(end - 1))) {
            end--;
        }
        int bracket = raw.lastIndexOf("[", end);
        if (bracket >= 0 && end - bracket < BRACKET_HOLD && unfinishedBracket(raw.substring(bracket, end))) {
            end = bracket;
        }
        return end;
    }

    /** Whether {@code text}, from an open bracket, may still become a citation or a link. */
    private static boolean unfinishedBracket(String text) {
        int close = text.indexOf(']');
        if (close < 0) {
            return true;
        }
        // the cut is before whitespace: a bracket closed at its end is followed by a space, not a link's address
        return close + 1 < text.length() && text.charAt(close + 1) == '(' && text.indexOf(')', close) < 0;
    }

    private void release(int end) {
        String cleaned = clean(raw.substring(0, end));
        // cleaning a longer text keeps what the shorter gave; the length check only guards against saying twice
        if (cleaned.length() > said.length()) {
            String next = cleaned.substring(said.length());
            said.append(next);
            out.accept(next);
        }
    }
}
