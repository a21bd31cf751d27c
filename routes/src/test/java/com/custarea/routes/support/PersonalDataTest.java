package com.custarea.routes.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PersonalDataTest {

    @Test
    void emailAddressesAndPhoneNumbersAreMasked() {
        assertThat(PersonalData.redact("Not a phone number: +1 (415) 555-0100 from ada.lovelace@example.co.uk"))
                .isEqualTo("Not a phone number: [phone] from [email]");
        assertThat(PersonalData.redact("whatsapp:+14155550100 wrote")).isEqualTo("whatsapp:[phone] wrote");
        assertThat(PersonalData.redact("call 415 555 0100")).isEqualTo("call [phone]");
    }

    @Test
    void idsOffsetsAndShortNumbersStay() {
        String line = "Dead-lettering inbound.messages-3@1234567 in ingest on 2026-11-28: HTTP 503 after 2 "
                + "retries, id 6f1c2e9a-0b7d-4c3e-9f00-1a2b3c4d5e6f";
        assertThat(PersonalData.redact(line)).isEqualTo(line);
        assertThat(PersonalData.redact(null)).isNull();
    }
}
