package com.custarea.routes.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Channel;
import org.junit.jupiter.api.Test;

class ChannelConfigurationRulesTest {

    private final ChannelConfigurationRules rules = new ChannelConfigurationRules();

    @Test
    void aWidgetWithSoundSettingsIsAccepted() {
        assertThatCode(() -> rules.check(Channel.WIDGET, widget(Map.of("allowedDomains",
                "shop.example.com, *.example.org, *.shop.co.uk", "color", "#1F6FEB", "greeting", "Hi there!",
                "preChatFields", "name, Email", "requireIdentity", "true")), null)).doesNotThrowAnyException();
        for (String color : List.of("#abc", "#abcd", "#a1b2c3", "#a1b2c3d4")) {
            assertThatCode(() -> rules.check(Channel.WIDGET, widget(Map.of("color", color)), null))
                    .as(color).doesNotThrowAnyException();
        }
    }

    @Test
    void eachBadWidgetSettingIsAFieldErrorOfItsOwn() {
        List<Problem.FieldError> errors = errors(widget(Map.of("allowedDomains", "*.com, shop.example.com, a b",
                "color", "red", "greeting", "x".repeat(ChannelConfigurationRules.MAX_GREETING + 1),
                "preChatFields", "name,phone", "requireIdentity", "yes")));

        assertThat(errors).extracting(Problem.FieldError::pointer).containsExactlyInAnyOrder(
                "/settings/allowedDomains", "/settings/allowedDomains", "/settings/color", "/settings/greeting",
                "/settings/preChatFields", "/settings/requireIdentity");
        assertThat(errors).filteredOn(error -> error.pointer().equals("/settings/allowedDomains"))
                .extracting(Problem.FieldError::detail)
                .anySatisfy(detail -> assertThat(detail).contains("\"*.com\"").contains("too wide"))
                .anySatisfy(detail -> assertThat(detail).contains("\"a b\""));
        assertThat(errors).filteredOn(error -> error.pointer().equals("/settings/preChatFields"))
                .singleElement().satisfies(error -> assertThat(error.detail()).contains("\"phone\""));
    }

    @Test
    void aWildcardNeedsTwoLabelsAfterIt() {
        for (String wide : List.of("*.com", "*.uk", "*.localhost")) {
            assertThat(errors(widget(Map.of("allowedDomains", wide)))).as(wide)
                    .extracting(Problem.FieldError::pointer).containsExactly("/settings/allowedDomains");
        }
        assertThatCode(() -> rules.check(Channel.WIDGET, widget(Map.of("allowedDomains", "*.example.com")), null))
                .doesNotThrowAnyException();
    }

    @Test
    void aBlankGreetingAndMissingDomainsAreRefused() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("greeting", "   ");
        assertThat(errors(settings)).extracting(Problem.FieldError::pointer)
                .containsExactlyInAnyOrder("/settings/allowedDomains", "/settings/greeting");
    }

    private List<Problem.FieldError> errors(Map<String, String> settings) {
        ProblemException refused = catchThrowableOfType(ProblemException.class,
                () -> rules.check(Channel.WIDGET, settings, null));
        assertThat(refused).isNotNull();
        assertThat(refused.status()).isEqualTo(400);
        return refused.errors();
    }

    private static Map<String, String> widget(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("allowedDomains", "shop.example.com"));
        all.putAll(settings);
        return all;
    }
}
