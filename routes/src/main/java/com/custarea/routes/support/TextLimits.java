package com.custarea.routes.support;

/** Cuts provider-supplied text to a schema's length limit without splitting a character in two. */
public final class TextLimits {

    private TextLimits() {
    }

    /**
     * The text cut to at most {@code maxCodePoints} code points, the unit JSON Schema's {@code maxLength} counts;
     * cutting by {@code char} could leave half a surrogate pair, which no JSON or PostgreSQL text can carry.
     */
    public static String truncate(String text, int maxCodePoints) {
        if (text == null || text.length() <= maxCodePoints) {
            return text;
        }
        if (text.codePointCount(0, text.length()) <= maxCodePoints) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, maxCodePoints));
    }
}
