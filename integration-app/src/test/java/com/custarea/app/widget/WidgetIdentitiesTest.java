package com.custarea.app.widget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class WidgetIdentitiesTest {

    @Test
    void aProofOlderThanTheWindowOrNoneAtAllHoldsNothing() {
        // a lapsed proof is refused before the widget's secret is even read
        WidgetIdentities identities = new WidgetIdentities(null, Duration.ofDays(30));
        WidgetTokens.IdentityProof lapsed = new WidgetTokens.IdentityProof("u-1", "f".repeat(32),
                Instant.now().minus(Duration.ofDays(31)));

        assertThat(identities.holds(null, lapsed)).isFalse();
        assertThat(identities.holds(null, null)).isFalse();
    }
}
