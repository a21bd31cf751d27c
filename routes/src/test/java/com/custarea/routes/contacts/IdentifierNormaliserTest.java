package com.custarea.routes.contacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifierNormaliserTest {

    private final IdentifierNormaliser normaliser = new IdentifierNormaliser("US");

    @ParameterizedTest
    @ValueSource(strings = {"whatsapp:+14155550100", "+1 (415) 555-0100", "sms:+14155550100", "tel:+1-415-555-0100",
            "(415) 555-0100", "WhatsApp:+14155550100", " +14155550100 "})
    void everySpellingOfANumberBecomesTheSameE164(String raw) {
        assertThat(normaliser.normalise(ContactIdentifier.of(IdentifierType.PHONE, raw)).value())
                .isEqualTo("+14155550100");
    }

    @Test
    void numbersWithoutCountryCodeUseTheDefaultRegion() {
        assertThat(new IdentifierNormaliser("gb").normalise(ContactIdentifier.of(IdentifierType.PHONE,
                "020 7946 0958")).value()).isEqualTo("+442079460958");
    }

    @Test
    void emailsAreTrimmedAndLowerCased() {
        assertThat(normaliser.normalise(ContactIdentifier.of(IdentifierType.EMAIL, "  Ada.Lovelace@Example.COM ")))
                .isEqualTo(ContactIdentifier.of(IdentifierType.EMAIL, "ada.lovelace@example.com"));
    }

    @Test
    void visitorAndExternalIdsAreKeptAsGivenButTrimmed() {
        assertThat(normaliser.normalise(ContactIdentifier.of(IdentifierType.EXTERNAL, " User-42 ")).value())
                .isEqualTo("User-42");
        assertThat(normaliser.normalise(ContactIdentifier.of(IdentifierType.VISITOR, "v_AbC")).value())
                .isEqualTo("v_AbC");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a number", "12", "whatsapp:", "+999 123"})
    void impossibleNumbersAreRefused(String raw) {
        assertThatThrownBy(() -> normaliser.normalise(ContactIdentifier.of(IdentifierType.PHONE, raw)))
                .isInstanceOf(InvalidIdentifierException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada", "ada@", "@example.com", "ada@example", "a b@example.com", " "})
    void malformedEmailsAreRefused(String raw) {
        assertThatThrownBy(() -> normaliser.normalise(ContactIdentifier.of(IdentifierType.EMAIL, raw)))
                .isInstanceOf(InvalidIdentifierException.class);
    }
}
