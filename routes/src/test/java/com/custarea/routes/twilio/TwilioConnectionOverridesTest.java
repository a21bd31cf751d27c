package com.custarea.routes.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TwilioConnectionOverridesTest {

    private static final String URL = "https://custarea.example/api/webhooks/twilio/status?channelId=c&messageId=m";

    @Test
    void theOverridesBecomeTheUrlsFragmentAndASignatureMayCoverEitherForm() {
        TwilioConnectionOverrides overrides = new TwilioConnectionOverrides("#rc=3&rp=ct,rt,5xx");

        assertThat(overrides.appendTo(URL)).isEqualTo(URL + "#rc=3&rp=ct,rt,5xx");
        assertThat(overrides.signedForms(URL)).containsExactly(URL, URL + "#rc=3&rp=ct,rt,5xx");
    }

    @Test
    void edgeAndTimeoutValuesWithDashesAndDotsAreTwiliosForm() {
        TwilioConnectionOverrides overrides = new TwilioConnectionOverrides("ct=1000&e=sao-paulo&rc=2&rp=all");

        assertThat(overrides.appendTo(URL)).isEqualTo(URL + "#ct=1000&e=sao-paulo&rc=2&rp=all");
    }

    @Test
    void withoutOverridesTheUrlIsLeftAlone() {
        TwilioConnectionOverrides none = new TwilioConnectionOverrides(" ");

        assertThat(none.appendTo(URL)).isEqualTo(URL);
        assertThat(none.signedForms(URL)).containsExactly(URL);
    }

    @Test
    void somethingThatIsNotTwiliosKeyValueFormIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new TwilioConnectionOverrides("rc=3&rp=ct rt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("custarea.channels.twilio.connection-overrides");
        assertThatThrownBy(() -> new TwilioConnectionOverrides("retries"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
