package com.custarea.routes.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks personal data in text bound for the logs: e-mail addresses and phone numbers (after a +, seven digits or
 * more; without, nine or more, so dates and offsets stay) become placeholders, so an error that quotes a customer's
 * address does not copy it into every log store.
 */
public final class PersonalData {

    private static final Pattern EMAIL = Pattern.compile("[\\w.%+-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern PHONE = Pattern.compile("\\+?\\d[\\d .()-]{5,}\\d");

    private PersonalData() {
    }

    /** {@code text} with e-mail addresses as {@code [email]} and phone numbers as {@code [phone]}; null stays null. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        return PHONE.matcher(EMAIL.matcher(text).replaceAll("[email]")).replaceAll(match -> {
            int digits = match.group().replaceAll("\\D", "").length();
            return digits >= (match.group().startsWith("+") ? 7 : 9) ? "[phone]"
                    : Matcher.quoteReplacement(match.group());
        });
    }
}
