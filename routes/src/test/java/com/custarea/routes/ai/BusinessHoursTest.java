package com.custarea.routes.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import com.custarea.schemas.PayloadJson;
import org.junit.jupiter.api.Test;

class BusinessHoursTest {

    private final BusinessHours hours = BusinessHours.of(PayloadJson.tree("""
            {"timezone": "Europe/Paris", "days": {"mon": ["09:00", "17:00"], "fri": ["09:00", "12:00"]}}
            """)).orElseThrow();

    @Test
    void openWithinTheDaysHoursInTheAgentsTimeZone() {
        // Monday 2026-11-30 08:30 UTC is 09:30 in Paris
        assertThat(hours.isOpen(Instant.parse("2026-11-30T08:30:00Z"))).isTrue();
        assertThat(hours.isOpen(Instant.parse("2026-11-30T16:00:00Z"))).isFalse();
        assertThat(hours.awayNotice(Instant.parse("2026-11-30T08:30:00Z"))).isEmpty();
    }

    @Test
    void awayTheNoticeNamesTheNextOpening() {
        // Friday 2026-12-04 13:00 in Paris: closed until Monday 09:00
        assertThat(hours.awayNotice(Instant.parse("2026-12-04T12:00:00Z"))).contains(
                "Our team is away right now and back on Monday at 09:00 (Europe/Paris).");
        // Monday 07:00 in Paris: back the same day
        assertThat(hours.nextOpening(Instant.parse("2026-11-30T06:00:00Z"))).hasValueSatisfying(opening ->
                assertThat(opening.toString()).startsWith("2026-11-30T09:00+01:00"));
    }

    @Test
    void noOrUnreadableHoursMeanAlwaysOpen() {
        assertThat(BusinessHours.of(null)).isEmpty();
        assertThat(BusinessHours.of(PayloadJson.tree("{\"timezone\": \"Mars/Olympus\", \"days\": {}}"))).isEmpty();
    }
}
