package com.custarea.routes.calls;

import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's text as a phone says it, cleaned while it streams in: without the {@code [n]} citations the model is
 * asked for and without markdown (emphasis, bullets, headings, links, code marks), which speech would read aloud.
 * Text is handed on in whole words, holding back a word that may still turn out to be a citation or a link.
 */
final class SpokenText {

    private static final Logger LOG = LoggerFactory.getLogger(SpokenText.class);
    private static final Pattern LINK = Pattern.compile("\\[([^\\]\\n]+)]\\([^)\\s]*\\)");
    // the model cites a handful of passages: one or two digits; a year or a code in brackets is text
    private static final Pattern CITATION = Pattern.compile("\\s*\\[\\d{1,2}(?:\\s*[,;–-]\\s*\\d{1,2})*]");
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
            // back to the start of the bracket's word: a mark before it (*[link](…)*) is only read right with both
            end = bracket;
            while (end > 0 && !Character.isWhitespace(raw.charAt(end - 1))) {
                end--;
            }
            while (end > 0 && Character.isWhitespace(raw.charAt(end - 1))) {
                end--;
            }
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
        if (cleaned.length() <= said.length()) {
            return;
        }
        if (!cleaned.startsWith(said.toString())) {
            // cut where cleaning was not yet stable: wait for more text; the end says what is left either way
            if (end < raw.length()) {
                return;
            }
            LOG.debug("The cleaned answer diverged from what was already said; the rest is said from its length");
        }
        String next = cleaned.substring(said.length());
        said.append(next);
        out.accept(next);
    }
}
