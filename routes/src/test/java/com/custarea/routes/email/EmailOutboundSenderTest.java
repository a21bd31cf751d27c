package com.custarea.routes.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Which attachment URLs name a file of our media store (attached) and which are links (sent as such). */
class EmailOutboundSenderTest {

    @Test
    void ourMediaUrlsRelativeOrAbsoluteNameStoredFilesAndEverythingElseIsALink() {
        UUID id = UUID.randomUUID();
        assertThat(EmailOutboundSender.storedMedia("/api/media/" + id)).contains(id);
        assertThat(EmailOutboundSender.storedMedia("https://desk.acme.test/api/media/" + id)).contains(id);
        assertThat(EmailOutboundSender.storedMedia("https://files.acme.test/invoice.pdf")).isEmpty();
        assertThat(EmailOutboundSender.storedMedia("/api/media/not-a-uuid")).isEmpty();
        assertThat(EmailOutboundSender.storedMedia("https://evil.test/x?u=/api/media/" + id)).isEmpty();
        assertThat(EmailOutboundSender.storedMedia("not a url")).isEmpty();
    }
}
