package com.custarea.routes.workflows;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** Evaluates a workflow's conditions (all must hold) and fills its text templates from the run's context. */
final class WorkflowConditions {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z0-9_.-]+)\\s*}}");

    private WorkflowConditions() {
    }

    /** Why the conditions do not hold (the first that fails), or empty when they all do. */
    static Optional<String> firstUnmet(JsonNode conditions, WorkflowContext context) {
        for (int i = 0; i < conditions.size(); i++) {
            JsonNode condition = conditions.get(i);
            if (!holds(condition, context)) {
                return Optional.of("condition " + i + " (" + condition.path("field").asText() + " "
                        + condition.path("operator").asText() + ") does not hold");
            }
        }
        return Optional.empty();
    }

    /** Whether a trigger's keywords appear in {@code text} as words (case-insensitive). */
    static boolean matchesKeyword(JsonNode keywords, String text) {
        if (text == null) {
            return false;
        }
        for (JsonNode keyword : keywords) {
            Pattern word = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(keyword.asText())
                    + "(?![\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            if (word.matcher(text).find()) {
                return true;
            }
        }
        return false;
    }

    /** {@code template} with each {{field}} replaced by the context's value (empty when it has none). */
    static String render(String template, WorkflowContext context) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder rendered = new StringBuilder();
        while (matcher.find()) {
            String value = context.value(matcher.group(1)).map(String::valueOf).orElse("");
            matcher.appendReplacement(rendered, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(rendered);
        return rendered.toString();
    }

    private static boolean holds(JsonNode condition, WorkflowContext context) {
        String field = condition.path("field").asText();
        String operator = condition.path("operator").asText();
        if (field.equals("business_hours")) {
            boolean within = withinHours(condition.path("hours"), context.now().atZone(ZoneId.of(
                    condition.path("hours").path("timezone").asText())));
            return operator.equals("within") == within;
        }
        Optional<Object> actual = context.value(field);
        JsonNode expected = condition.path("value");
        return switch (operator) {
            case "exists" -> actual.filter(value -> !String.valueOf(value).isBlank()).isPresent();
            case "not_exists" -> actual.filter(value -> !String.valueOf(value).isBlank()).isEmpty();
            case "equals" -> actual.map(value -> equal(value, expected)).orElse(false);
            case "not_equals" -> !actual.map(value -> equal(value, expected)).orElse(false);
            case "contains" -> actual.map(value -> contains(value, expected)).orElse(false);
            case "not_contains" -> !actual.map(value -> contains(value, expected)).orElse(false);
            case "in" -> actual.map(value -> {
                for (JsonNode option : expected) {
                    if (equal(value, option)) {
                        return true;
                    }
                }
                return false;
            }).orElse(false);
            default -> false;
        };
    }

    private static boolean equal(Object actual, JsonNode expected) {
        if (actual instanceof Collection<?> values) {
            return values.stream().anyMatch(value -> String.valueOf(value).equalsIgnoreCase(expected.asText()));
        }
        return String.valueOf(actual).equalsIgnoreCase(expected.asText());
    }

    private static boolean contains(Object actual, JsonNode expected) {
        if (actual instanceof Collection<?> values) {
            return equal(values, expected);
        }
        return String.valueOf(actual).toLowerCase(Locale.ROOT).contains(expected.asText().toLowerCase(Locale.ROOT));
    }

    static boolean withinHours(JsonNode hours, ZonedDateTime at) {
        List<String> days = new ArrayList<>();
        hours.path("days").forEach(day -> days.add(day.asText()));
        DayOfWeek day = at.getDayOfWeek();
        String name = day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT);
        LocalTime time = at.toLocalTime();
        return days.contains(name) && !time.isBefore(LocalTime.parse(hours.path("start").asText()))
                && time.isBefore(LocalTime.parse(hours.path("end").asText()));
    }
}
