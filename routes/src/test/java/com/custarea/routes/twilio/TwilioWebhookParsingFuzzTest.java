package com.custarea.routes.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.contacts.IdentifierNormaliser;
import com.custarea.routes.media.MediaStore;
import com.custarea.routes.support.FormEncoding;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Attachment;
import com.custarea.schemas.Channel;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.PayloadValidator;
import com.custarea.schemas.Topics;

/**
 * Fuzzes a Twilio messaging webhook's body from the bytes on: form decoding, then mapping to an InboundMessage.
 * Bad input may only be refused as a 4xx problem, and whatever is accepted must be a valid pipeline payload.
 */
class TwilioWebhookParsingFuzzTest {

    private static final ChannelSettings CHANNEL = new ChannelSettings(UUID.randomUUID(), UUID.randomUUID(),
            Channel.WHATSAPP, "WhatsApp", Map.of("phoneNumber", "+14155550100"), false, true, null);
    private static final TwilioAccount ACCOUNT = new TwilioAccount("AC" + "0".repeat(32), "+14155550100", null,
            "token", null, null);
    private static final TwilioMessageMapper MAPPER = new TwilioMessageMapper(new IdentifierNormaliser("US"),
            new AnnouncedMedia(), Duration.ofSeconds(1));

    @FuzzTest(maxDuration = "20s")
    void aWebhookBodyIsRefusedAsAProblemOrMappedToAValidPayload(FuzzedDataProvider data) {
        byte[] body = data.consumeRemainingAsBytes();
        Map<String, String> parameters;
        try {
            parameters = FormEncoding.decode(new String(body, StandardCharsets.UTF_8));
        } catch (ProblemException refused) {
            assertThat(refused.status()).isBetween(400, 499);
            return;
        }
        InboundMessage message;
        try {
            message = MAPPER.toInboundMessage(new TwilioWebhook(CHANNEL, ACCOUNT, parameters, Map.of()),
                    Instant.now());
        } catch (ProblemException refused) {
            assertThat(refused.status()).isBetween(400, 499);
            return;
        }
        PayloadValidator.readValid(Topics.INBOUND_MESSAGES, PayloadJson.write(message));
    }

    /** Media as announced, without fetching it: fetching is the integration tests' part. */
    private static final class AnnouncedMedia extends MediaStore {

        AnnouncedMedia() {
            super(null, null, null, List.of(), Path.of("target/fuzz-media"));
        }

        @Override
        public List<Attachment> keepAll(ChannelSettings channel, List<Source> sources, Duration budget) {
            return sources.stream().map(source -> new Attachment(URL_PREFIX + source.id(), source.contentType(), null,
                    null)).toList();
        }
    }
}
