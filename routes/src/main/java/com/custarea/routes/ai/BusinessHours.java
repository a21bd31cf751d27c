package com.custarea.routes.ai;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An agent's business hours ({"timezone": "Europe/Paris", "days": {"mon": ["09:00", "17:00"], …}}): whether the
 * team is in, and when it is next, so a hand-off outside hours tells the customer when to expect an answer.
 */
public final class BusinessHours {

    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat",
            DayOfWeek.SATURDAY, "sun", DayOfWeek.SUNDAY);

    private final ZoneId zone;
    private final Map<DayOfWeek, LocalTime[]> open;

    private BusinessHours(ZoneId zone, Map<DayOfWeek, LocalTime[]> open) {
        this.zone = zone;
        this.open = open;
    }

    /** The hours the agent's settings give, or empty when it has none (always open) or they cannot be read. */
    public static Optional<BusinessHours> of(JsonNode settings) {
        if (settings == null || !settings.isObject()) {
            return Optional.empty();
        }
        try {
            ZoneId zone = ZoneId.of(settings.path("timezone").asText());
            Map<DayOfWeek, LocalTime[]> open = new EnumMap<>(DayOfWeek.class);
            settings.path("days").fields().forEachRemaining(day -> {
                DayOfWeek weekday = DAYS.get(day.getKey());
                if (weekday != null && day.getValue().size() == 2) {
                    open.put(weekday, new LocalTime[] {LocalTime.parse(day.getValue().get(0).asText()),
                            LocalTime.parse(day.getValue().get(1).asText())});
                }
            });
            return Optional.of(new BusinessHours(zone, open));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    public boolean isOpen(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        LocalTime[] hours = open.get(local.getDayOfWeek());
        return hours != null && !local.toLocalTime().isBefore(hours[0]) && local.toLocalTime().isBefore(hours[1]);
    }

    /** When the team is next in after {@code at}, within a week; empty when no day has hours. */
    public Optional<ZonedDateTime> nextOpening(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        for (int days = 0; days <= 7; days++) {
            ZonedDateTime day = local.plusDays(days);
            LocalTime[] hours = open.get(day.getDayOfWeek());
            if (hours == null) {
                continue;
            }
            ZonedDateTime opening = day.with(hours[0]);
            if (opening.isAfter(local)) {
                return Optional.of(opening);
            }
        }
        return Optional.empty();
    }

    /** {@code text} followed by the away notice of {@code agent}'s hours, when the team is away at {@code at}. */
    public static String withAwayNotice(String text, Optional<AiAgents.AiAgent> agent, Instant at) {
        return agent.flatMap(found -> of(found.businessHours())).flatMap(hours -> hours.awayNotice(at))
                .map(notice -> text + " " + notice).orElse(text);
    }

    /** A sentence for the customer when the team is away at {@code at}; empty while it is in. */
    public Optional<String> awayNotice(Instant at) {
        if (isOpen(at)) {
            return Optional.empty();
        }
        return nextOpening(at).map(opening -> "Our team is away right now and back on "
                + opening.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " at "
                + opening.toLocalTime() + " (" + zone.getId() + ").");
    }
}
