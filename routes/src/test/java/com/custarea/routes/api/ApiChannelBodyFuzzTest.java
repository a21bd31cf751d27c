package com.custarea.routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.contacts.IdentifierNormaliser;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Channel;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.PayloadException;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.PayloadValidator;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fuzzes the API channel's message body: JSON parsing, its schema, and the mapping to an InboundMessage. Only the
 * declared refusals may happen (not JSON, not the schema, an identifier that does not normalise), and whatever is
 * accepted must be a valid pipeline payload.
 */
class ApiChannelBodyFuzzTest {

    private static final ChannelSettings CHANNEL = new ChannelSettings(UUID.randomUUID(), UUID.randomUUID(),
            Channel.API, "API", Map.of(), false, true, null);
    private static final ApiChannelMessageMapper MAPPER = new ApiChannelMessageMapper(new IdentifierNormaliser("US"));

    @FuzzTest(maxDuration = "20s")
    void aBodyIsRefusedForADeclaredReasonOrMappedToAValidPayload(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        JsonNode json;
        try {
            json = PayloadJson.tree(body);
        } catch (PayloadException notJson) {
            return;
        }
        List<PayloadValidator.Violation> violations = PayloadValidator.validate(ApiChannelMessageReceiver.SCHEMA,
                json);
        if (!violations.isEmpty()) {
            assertThat(violations).allSatisfy(violation -> assertThat(violation.pointer()).isNotNull());
            return;
        }
        InboundMessage message;
        try {
            message = MAPPER.toInboundMessage(new VerifiedRequest(CHANNEL, json, "fuzz"), Instant.now());
        } catch (ProblemException refused) {
            assertThat(refused.status()).isEqualTo(400);
            return;
        }
        PayloadValidator.readValid(Topics.INBOUND_MESSAGES, PayloadJson.write(message));
    }
}
