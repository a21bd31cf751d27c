package com.custarea.routes.email;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Cuts the quoted history and the signature off an e-mail's text, leaving what the sender wrote this time. */
public final class QuotedText {

    /** "On … wrote:" as Gmail, Apple Mail and Thunderbird write it, and its French, German, Spanish, Dutch,
     *  Italian and Portuguese forms; always ends with a colon. */
    private static final Pattern ATTRIBUTION = Pattern.compile("(?iu)^(on|le|am|el|op|il|em)\\s.*"
            + "\\b(wrote|a écrit|schrieb|escribió|schreef|ha scritto|escreveu)(\\s.*)?:$");
    private static final Pattern ATTRIBUTION_START = Pattern.compile("(?i)^(on|le|am|el|op|il|em)\\s.*");
    private static final Pattern DIGIT = Pattern.compile("\\d");
    /** Attributions are one sentence; a longer line that happens to end in "wrote:" is the sender's own text. */
    private static final int MAX_ATTRIBUTION_LENGTH = 300;

    /** Outlook's header names in the languages it writes them (French puts a space before the colon). */
    private static final String FROM_NAMES = "from|von|de|van|da";
    private static final String SENT_NAMES = "sent|date|gesendet|datum|envoyé|enviado|fecha|verzonden|inviato|data";
    private static final Pattern HEADER_FROM = Pattern.compile("(?iu)^\\*?(" + FROM_NAMES + ") ?:\\*?\\s.*");
    private static final Pattern HEADER_SENT = Pattern.compile("(?iu)^\\*?(" + SENT_NAMES + ") ?:\\*?\\s.*");
    /** The same block run together on one line, as some HTML-to-text conversions leave it. */
    private static final Pattern HEADER_ONE_LINE = Pattern.compile(
            "(?iu)^\\*?(" + FROM_NAMES + ") ?:\\*?\\s.*\\s\\*?(" + SENT_NAMES + ") ?:\\*?\\s.*");
    /** How many lines after "From:" Outlook's "Sent:" may come (a long From: wraps once or twice). */
    private static final int HEADER_BLOCK_LINES = 4;
    private static final Pattern ORIGINAL_MESSAGE = Pattern.compile(
            "(?iu)^-{2,}\\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original"
                    + "|oorspronkelijk bericht|messaggio originale)\\s*-{2,}$");
    private static final Pattern OUTLOOK_RULE = Pattern.compile("^_{20,}$");
    private static final Pattern FORWARD_MARKER = Pattern.compile(
            "(?iu)^(-{2,}\\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)"
                    + "\\s*-{2,}|begin forwarded message:|anfang der weitergeleiteten nachricht:"
                    + "|début du message réexpédié\\s*:)$");
    private static final Pattern SIGNATURE_DELIMITER = Pattern.compile("^-- ?$");

    private QuotedText() {
    }

    /**
     * The text without quoted history: everything from the first reply header on ("On … wrote:", Outlook's
     * "From: … Sent: …" block, "-----Original Message-----", a forward marker after the sender's own text), then
     * the trailing "&gt;" lines and a trailing "-- " signature. A mail that starts with a forward marker is kept
     * whole: the forwarded message is its content. Returns the original text, trimmed, when stripping would leave
     * nothing; "" for null.
     */
    public static String strip(String text) {
        if (text == null) {
            return "";
        }
        String original = text.strip();
        List<String> lines = Arrays.asList(text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1));
        int start = firstContentLine(lines);
        if (start < lines.size() && FORWARD_MARKER.matcher(normalised(lines.get(start))).matches()) {
            return original;
        }
        int end = Math.min(lines.size(), replyHeaderIndex(lines, start));
        end = withoutTrailingQuote(lines, end);
        end = withoutSignature(lines, end);
        String stripped = String.join("\n", lines.subList(0, end)).strip();
        return stripped.isEmpty() ? original : stripped;
    }

    private static int firstContentLine(List<String> lines) {
        int index = 0;
        while (index < lines.size() && lines.get(index).isBlank()) {
            index++;
        }
        return index;
    }

    /** The index of the first line of quoted history, or the number of lines when there is none. */
    private static int replyHeaderIndex(List<String> lines, int start) {
        for (int i = start; i < lines.size(); i++) {
            String line = normalised(lines.get(i));
            String next = i + 1 < lines.size() ? normalised(lines.get(i + 1)) : "";
            if (isAttribution(line) || isAttributionOverTwoLines(line, next)
                    || ORIGINAL_MESSAGE.matcher(line).matches()
                    || FORWARD_MARKER.matcher(line).matches()
                    || isOutlookHeaderBlock(lines, i)
                    || OUTLOOK_RULE.matcher(line).matches() && nextContentIsFrom(lines, i)) {
                return i;
            }
        }
        return lines.size();
    }

    private static boolean isAttribution(String line) {
        return line.length() <= MAX_ATTRIBUTION_LENGTH && DIGIT.matcher(line).find()
                && ATTRIBUTION.matcher(line).matches();
    }

    /** Gmail wraps a long attribution: "On Mon, …, Name &lt;" then "addr&gt; wrote:". */
    private static boolean isAttributionOverTwoLines(String line, String next) {
        return !next.isEmpty() && ATTRIBUTION_START.matcher(line).matches() && !line.endsWith(":")
                && isAttribution(line + " " + next);
    }

    private static boolean isOutlookHeaderBlock(List<String> lines, int index) {
        String line = normalised(lines.get(index));
        if (!HEADER_FROM.matcher(line).matches()) {
            return false;
        }
        if (HEADER_ONE_LINE.matcher(line).matches()) {
            return true;
        }
        for (int i = index + 1; i < Math.min(lines.size(), index + 1 + HEADER_BLOCK_LINES); i++) {
            if (HEADER_SENT.matcher(normalised(lines.get(i))).matches()) {
                return true;
            }
        }
        return false;
    }

    private static boolean nextContentIsFrom(List<String> lines, int index) {
        for (int i = index + 1; i < lines.size(); i++) {
            String line = normalised(lines.get(i));
            if (!line.isEmpty()) {
                return HEADER_FROM.matcher(line).matches();
            }
        }
        return false;
    }

    private static int withoutTrailingQuote(List<String> lines, int end) {
        int cut = end;
        while (cut > 0 && (lines.get(cut - 1).isBlank() || lines.get(cut - 1).stripLeading().startsWith(">"))) {
            cut--;
        }
        return cut;
    }

    private static int withoutSignature(List<String> lines, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (SIGNATURE_DELIMITER.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return end;
    }

    /** The line trimmed, with non-breaking spaces (French typography puts one before the colon) as spaces. */
    private static String normalised(String line) {
        return line.replace('\u00a0', ' ').strip();
    }
}
