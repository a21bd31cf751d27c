package com.custarea.routes.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FormEncodingTest {

    @Test
    void decodesEveryParameterAsSent() {
        assertThat(FormEncoding.decode("Body=Hello+w%C3%B6rld%21&To=whatsapp%3A%2B14155550100&Empty=&"))
                .containsExactly(java.util.Map.entry("Body", "Hello wörld!"),
                        java.util.Map.entry("To", "whatsapp:+14155550100"), java.util.Map.entry("Empty", ""));
    }

    @Test
    void refusesWhatCamelsBindingWouldChokeOn() {
        for (String bad : new String[] {"a=%zz", "a=1&&b=2", "bare", "a=%", "a=1&a=2"}) {
            assertThatThrownBy(() -> FormEncoding.decode(bad)).as(bad).isInstanceOf(ProblemException.class)
                    .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(400));
        }
    }
}
