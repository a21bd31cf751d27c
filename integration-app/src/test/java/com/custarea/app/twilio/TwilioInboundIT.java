package com.custarea.app.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.JsonClient;
import com.custarea.app.support.TwilioWebhookClient;
import com.custarea.routes.media.MediaFetcher;
import com.custarea.routes.media.MediaStore;
import com.custarea.routes.twilio.TwilioWebhookPaths;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Twilio's messaging webhooks: signed requests in, one stored message each, everything else refused unstored. */
class TwilioInboundIT extends TwilioIntegrationTest {

    private static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    @Autowired
    MeterRegistry meters;

    @Autowired
    MediaFetcher mediaFetcher;

    @Test
    void aSignedWhatsAppMessageIsAcknowledgedWithEmptyTwimlAndStoredOnceEvenWhenTwilioRetries() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        Map<String, String> params = incoming(channel, "+447700900123", "Hello from WhatsApp");

        HttpResponse<String> first = deliver(channel, params);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).get().asString().startsWith("text/xml");
        assertThat(first.body()).isEqualTo(EMPTY_TWIML);
        HttpResponse<String> retry = deliver(channel, params);
        assertThat(retry.statusCode()).isEqualTo(200);

        Map<String, Object> stored = awaitStored(channel, params.get("MessageSid"));
        assertThat(stored.get("text")).isEqualTo("Hello from WhatsApp");
        assertThat(storedMessages(channel, params.get("MessageSid"))).hasSize(1);
        UUID contactId = (UUID) stored.get("contact_id");
        assertThat(rows("SELECT type, value FROM contact_identifiers WHERE contact_id = :id",
                Map.of("id", contactId))).anySatisfy(row -> {
                    assertThat(row.get("type")).isEqualTo("phone");
                    assertThat(row.get("value")).isEqualTo("+447700900123");
                });
        assertThat(rows("SELECT name FROM contacts WHERE id = :id", Map.of("id", contactId)).get(0).get("name"))
                .isEqualTo("Ada Lovelace");
    }

    @Test
    void theSameNumberOnWhatsAppAndSmsIsOneContact() {
        Session admin = registerTenant();
        TwilioChannel whatsapp = twilioChannel(admin, "whatsapp", false);
        TwilioChannel sms = twilioChannel(admin, "sms", false);
        String customer = randomNumber();
        Map<String, String> viaWhatsApp = incoming(whatsapp, customer, "on WhatsApp");
        Map<String, String> viaSms = incoming(sms, customer, "by SMS");

        assertThat(deliver(whatsapp, viaWhatsApp).statusCode()).isEqualTo(200);
        assertThat(deliver(sms, viaSms).statusCode()).isEqualTo(200);

        Object whatsappContact = awaitStored(whatsapp, viaWhatsApp.get("MessageSid")).get("contact_id");
        Object smsContact = awaitStored(sms, viaSms.get("MessageSid")).get("contact_id");
        assertThat(smsContact).isEqualTo(whatsappContact);
    }

    @Test
    void aNumberInsideAMessagingServiceIsFoundByItsServiceAndVerified() {
        // the channel knows only its messaging service: the To number of the webhook is none of its settings
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", false, null, sid("MG"));
        Map<String, String> params = incoming(channel, randomNumber(), "via a messaging service");

        HttpResponse<String> response = deliver(channel, params);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(awaitStored(channel, params.get("MessageSid")).get("text")).isEqualTo("via a messaging service");
    }

    @Test
    void aNumberChannelReceivesAWebhookNamingAMessagingServiceNoChannelKnows() {
        // Chatwoot's case: the channel is configured by its number, the number sits in a messaging service, and
        // Twilio's webhook names that service; the channel is still found by To and the signature verified
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", false);
        Map<String, String> params = incoming(channel, randomNumber(), "from a number in a service");
        params.put("MessagingServiceSid", sid("MG"));

        HttpResponse<String> first = deliver(channel, params);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(EMPTY_TWIML);
        assertThat(deliver(channel, params).statusCode()).as("Twilio's retry").isEqualTo(200);

        assertThat(awaitStored(channel, params.get("MessageSid")).get("text")).isEqualTo("from a number in a service");
        staysTrue(() -> assertThat(storedMessages(channel, params.get("MessageSid"))).hasSize(1));
    }

    @Test
    void aJsonBodyIsVerifiedThroughBodySha256() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        Map<String, String> params = incoming(channel, randomNumber(), "JSON please");
        String body = PayloadJson.write(params);

        HttpResponse<String> response = twilio.postJson(channel.webhookPath(), body, channel.authToken());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(awaitStored(channel, params.get("MessageSid")).get("text")).isEqualTo("JSON please");

        // the same signed URL with another body: the body no longer hashes to bodySHA256
        String customer = randomNumber();
        Map<String, String> other = incoming(channel, customer, "swapped body");
        String signedFor = channel.webhookPath() + "?bodySHA256=" + sha256Hex(body);
        HttpResponse<String> swapped = twilio.send(signedFor, "application/json", PayloadJson.write(other),
                TwilioWebhookClient.signature(channel.authToken(), TwilioWebhookClient.PUBLIC_BASE_URL + signedFor,
                        Map.of()));
        assertThat(swapped.statusCode()).isEqualTo(403);
        assertNotStoredOnceALaterMessageIs(channel, customer, List.of(other));
    }

    @Test
    void forgedRequestsAreRefusedWith403CountedAndNotStored() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        double rejectedBefore = rejected();
        // one sender, so a record of any of them would be on the partition of the valid message sent last
        String customer = randomNumber();

        Map<String, String> tampered = incoming(channel, customer, "original text");
        String signature = TwilioWebhookClient.signature(channel.authToken(),
                TwilioWebhookClient.PUBLIC_BASE_URL + channel.webhookPath(), tampered);
        tampered.put("Body", "tampered text");
        assertProblem(twilio.postSigned(channel.webhookPath(), tampered, signature), 403, "invalid-signature");

        // signed over the URL the request reached (http://127.0.0.1:port), not the one Twilio was given
        Map<String, String> wrongUrl = incoming(channel, customer, "wrong url");
        assertProblem(twilio.postSigned(channel.webhookPath(), wrongUrl, TwilioWebhookClient.signature(
                channel.authToken(), "http://127.0.0.1:" + port + channel.webhookPath(), wrongUrl)), 403,
                "invalid-signature");

        Map<String, String> unsigned = incoming(channel, customer, "no header");
        assertProblem(twilio.postSigned(channel.webhookPath(), unsigned, null), 403, "missing-signature");

        Map<String, String> otherToken = incoming(channel, customer, "signed with another token");
        assertProblem(twilio.postSigned(channel.webhookPath(), otherToken, "0123456789abcdef0123456789abcdef"), 403,
                "invalid-signature");

        assertThat(rejected() - rejectedBefore).isEqualTo(4);
        assertNotStoredOnceALaterMessageIs(channel, customer, List.of(tampered, wrongUrl, unsigned, otherToken));
    }

    @Test
    void aSandboxChannelHasNoAuthTokenToVerifyWithSoItsWebhooksAreRefused() {
        Session admin = registerTenant();
        String number = randomNumber();
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "sms",
                "name", "Trial", "settings", Map.of("phoneNumber", number))));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        // whatever Twilio account and token a caller signs with, the channel has none to compare them to
        TwilioChannel sandbox = new TwilioChannel(admin, UUID.fromString(created.json().get("channel").get("id")
                .asText()), "sms", sid("AC"), randomSecret(), number, null);
        double rejectedBefore = rejected();

        Map<String, String> signed = incoming(sandbox, randomNumber(), "anyone there?");
        assertProblem(deliver(sandbox, signed), 403, "invalid-signature");
        Map<String, String> unsigned = incoming(sandbox, randomNumber(), "hello?");
        assertProblem(twilio.postSigned(sandbox.webhookPath(), unsigned, null), 403, "missing-signature");

        assertThat(rejected() - rejectedBefore).isEqualTo(2);
        // no valid message can reach a sandbox to show the pipeline caught up, so absence is held for a while
        staysTrue(() -> assertThat(rows("SELECT 1 FROM messages WHERE channel_id = :id",
                Map.of("id", sandbox.channelId()))).isEmpty());
    }

    @Test
    void aMessageToANumberNoChannelHasIsA404() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        Map<String, String> params = incoming(channel, randomNumber(), "who is this?");
        params.put("To", "whatsapp:" + randomNumber());

        assertProblem(deliver(channel, params), 404, "not-found");
    }

    @Test
    void aSmsWebhookNeverReachesAWhatsAppChannelWithTheSameNumber() {
        TwilioChannel whatsapp = twilioChannel(registerTenant(), "whatsapp", false);
        Map<String, String> params = incoming(whatsapp, randomNumber(), "wrong door");
        params.put("To", whatsapp.number());

        assertProblem(twilio.post(TwilioWebhookPaths.SMS, params, whatsapp.authToken()), 404, "not-found");
    }

    @Test
    void mediaIsFetchedWithTheAccountsCredentialsKeptAndServedOnlyToItsTenant() throws Exception {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        String mediaPath = "/2010-04-01/Accounts/" + channel.accountSid() + "/Messages/MM1/Media/ME" + UUID.randomUUID();
        String storagePath = "/media-storage/" + UUID.randomUUID();
        String basic = "Basic " + Base64.getEncoder().encodeToString((channel.accountSid() + ":"
                + channel.authToken()).getBytes(StandardCharsets.UTF_8));
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo(mediaPath)).withHeader("Authorization", equalTo(basic))
                .willReturn(aResponse().withStatus(307).withHeader("Location", TENANT_SYSTEMS.baseUrl()
                        + storagePath)));
        byte[] image = "not really a jpeg, but bytes all the same".getBytes(StandardCharsets.UTF_8);
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo(storagePath)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/jpeg").withBody(image)));
        Map<String, String> params = incoming(channel, randomNumber(), "");
        params.remove("Body");
        params.put("NumMedia", "1");
        params.put("MediaUrl0", TENANT_SYSTEMS.baseUrl() + mediaPath);
        params.put("MediaContentType0", "image/jpeg");

        assertThat(deliver(channel, params).statusCode()).isEqualTo(200);

        JsonNode attachments = PayloadJson.tree((String) awaitStored(channel, params.get("MessageSid"))
                .get("attachments"));
        assertThat(attachments).hasSize(1);
        String url = attachments.get(0).get("url").asText();
        assertThat(url).startsWith("/api/media/");
        assertThat(attachments.get(0).get("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(attachments.get(0).get("sizeBytes").asLong()).isEqualTo(image.length);
        // the storage the provider redirects to never sees the account's token
        TENANT_SYSTEMS.verify(getRequestedFor(urlPathEqualTo(storagePath)).withHeader("Authorization", absent()));

        HttpResponse<byte[]> served = getBytes(url, channel.admin().accessToken());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(served.body()).isEqualTo(image);
        assertThat(getBytes(url, registerTenant().accessToken()).statusCode()).isEqualTo(404);
        assertThat(getBytes(url, null).statusCode()).isEqualTo(401);
    }

    @Test
    void mediaOverTheSizeLimitIsMarkedTooLargeWhileItsMessageIsStoredOnce() throws Exception {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        String mediaPath = "/media-huge/" + UUID.randomUUID();
        // one byte more than custarea.media.max-bytes (16 MiB: the tests share the application's default)
        byte[] video = new byte[Math.toIntExact(mediaFetcher.maxBytes() + 1)];
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo(mediaPath)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "video/mp4").withBody(video)));
        Map<String, String> params = incoming(channel, randomNumber(), "a long video");
        params.put("NumMedia", "1");
        params.put("MediaUrl0", TENANT_SYSTEMS.baseUrl() + mediaPath);
        params.put("MediaContentType0", "video/mp4");

        assertThat(deliver(channel, params).statusCode()).isEqualTo(200);
        assertThat(deliver(channel, params).statusCode()).as("Twilio's retry").isEqualTo(200);

        Map<String, Object> stored = awaitStored(channel, params.get("MessageSid"));
        assertThat(stored.get("text")).isEqualTo("a long video");
        assertThat(storedMessages(channel, params.get("MessageSid"))).hasSize(1);
        JsonNode attachments = PayloadJson.tree((String) stored.get("attachments"));
        assertThat(attachments).hasSize(1);
        assertThat(attachments.get(0).get("contentType").asText()).isEqualTo("video/mp4");
        String url = attachments.get(0).get("url").asText();
        assertThat(url).startsWith(MediaStore.URL_PREFIX);
        UUID mediaId = UUID.fromString(url.substring(MediaStore.URL_PREFIX.length()));
        assertThat(rows("SELECT status, size_bytes, storage_key FROM media WHERE id = :id", Map.of("id", mediaId)))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("status")).isEqualTo("too_large");
                    assertThat(row.get("size_bytes")).isNull();
                    assertThat(row.get("storage_key")).isNull();
                });

        HttpResponse<byte[]> served = getBytes(url, channel.admin().accessToken());
        assertThat(served.statusCode()).isEqualTo(410);
        assertThat(PayloadJson.tree(new String(served.body(), StandardCharsets.UTF_8)).get("type").asText())
                .endsWith("media-not-kept");
        // neither the retry nor the dashboard's request downloads it again
        TENANT_SYSTEMS.verify(1, getRequestedFor(urlPathEqualTo(mediaPath)));
    }

    @Test
    void mediaTheProviderCannotHandOverInTimeIsFetchedOnFirstAccess() throws Exception {
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", false);
        String mediaPath = "/media-later/" + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo(mediaPath)).inScenario(mediaPath)
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo(mediaPath)).inScenario(mediaPath).whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/pdf")
                        .withBody("%PDF-1.7")));
        Map<String, String> params = incoming(channel, randomNumber(), "the invoice");
        params.put("NumMedia", "1");
        params.put("MediaUrl0", TENANT_SYSTEMS.baseUrl() + mediaPath);
        params.put("MediaContentType0", "application/pdf");

        assertThat(deliver(channel, params).statusCode()).isEqualTo(200);
        JsonNode attachments = PayloadJson.tree((String) awaitStored(channel, params.get("MessageSid"))
                .get("attachments"));
        String url = attachments.get(0).get("url").asText();

        HttpResponse<byte[]> served = getBytes(url, channel.admin().accessToken());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(new String(served.body(), StandardCharsets.UTF_8)).isEqualTo("%PDF-1.7");
        // not a type a browser should render in the dashboard's origin
        assertThat(served.headers().firstValue("Content-Disposition")).get().asString().startsWith("attachment");
    }

    @Test
    void locationsAndButtonRepliesArriveAsMetadata() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        Map<String, String> location = incoming(channel, randomNumber(), "");
        location.remove("Body");
        location.put("Latitude", "51.5033640");
        location.put("Longitude", "-0.1276250");
        location.put("Address", "10 Downing Street, London");
        location.put("Label", "Office");
        Map<String, String> button = incoming(channel, randomNumber(), "Yes, confirm");
        button.put("ButtonText", "Yes, confirm");
        button.put("ButtonPayload", "confirm-order-42");

        assertThat(deliver(channel, location).statusCode()).isEqualTo(200);
        assertThat(deliver(channel, button).statusCode()).isEqualTo(200);

        JsonNode locationMetadata = PayloadJson.tree((String) awaitStored(channel, location.get("MessageSid"))
                .get("metadata"));
        assertThat(locationMetadata.get("location.latitude").asText()).isEqualTo("51.5033640");
        assertThat(locationMetadata.get("location.longitude").asText()).isEqualTo("-0.1276250");
        assertThat(locationMetadata.get("location.address").asText()).isEqualTo("10 Downing Street, London");
        JsonNode buttonMetadata = PayloadJson.tree((String) awaitStored(channel, button.get("MessageSid"))
                .get("metadata"));
        assertThat(buttonMetadata.get("button.payload").asText()).isEqualTo("confirm-order-42");
    }

    @Test
    void badInputFromAVerifiedSenderIsA400AndNothingIsStored() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        String customer = randomNumber();
        Map<String, String> noSender = incoming(channel, customer, "who am I?");
        noSender.remove("From");
        Map<String, String> tooMuchMedia = incoming(channel, customer, "many files");
        tooMuchMedia.put("NumMedia", "11");
        Map<String, String> badLocation = incoming(channel, customer, "somewhere");
        badLocation.put("Latitude", "north");
        badLocation.put("Longitude", "-0.12");

        for (Map<String, String> params : List.of(noSender, tooMuchMedia, badLocation)) {
            assertProblem(deliver(channel, params), 400, "invalid-request");
        }
        assertProblem(twilio.send(channel.webhookPath(), "text/plain", "Body=hi", "sig"), 415,
                "unsupported-media-type");
        assertNotStoredOnceALaterMessageIs(channel, customer, List.of(noSender, tooMuchMedia, badLocation));
    }

    @Test
    void aNumberOrServiceAnotherChannelHasIsA409AndNothingIsStored() {
        Session owner = registerTenant();
        TwilioChannel owned = twilioChannel(owner, "whatsapp", false, randomNumber(), sid("MG"));
        Session other = registerTenant();

        JsonClient.Answer sameNumber = createChannel(other, "whatsapp", Map.of("phoneNumber", owned.number()));
        assertConflict(sameNumber, "/settings/phoneNumber");
        JsonClient.Answer sameService = createChannel(other, "whatsapp",
                Map.of("messagingServiceSid", owned.messagingServiceSid()));
        assertConflict(sameService, "/settings/messagingServiceSid");
        assertThat(api.get("/api/channels", other.accessToken()).json()).as("nothing stored").isEmpty();
        assertThat(rows("SELECT 1 FROM channels WHERE tenant_id = :tenant", Map.of("tenant", other.tenantId())))
                .isEmpty();

        // WhatsApp and SMS are separate channels on one number
        assertThat(createChannel(other, "sms", Map.of("phoneNumber", owned.number())).status()).isEqualTo(201);
        String ownNumber = randomNumber();
        JsonClient.Answer created = createChannel(other, "whatsapp", Map.of("phoneNumber", ownNumber));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        String id = created.json().get("channel").get("id").asText();
        assertConflict(api.patch("/api/channels/" + id, other.accessToken(), json(Map.of("settings",
                Map.of("phoneNumber", owned.number())))), "/settings/phoneNumber");
        assertThat(api.get("/api/channels/" + id, other.accessToken()).json().get("settings").get("phoneNumber")
                .asText()).isEqualTo(ownNumber);

        // a disabled channel lets its number go; enabling it again while another channel has it is refused
        assertThat(api.patch("/api/channels/" + owned.channelId(), owner.accessToken(), json(Map.of("enabled", false)))
                .status()).isEqualTo(200);
        assertThat(api.patch("/api/channels/" + id, other.accessToken(), json(Map.of("settings",
                Map.of("phoneNumber", owned.number())))).status()).isEqualTo(200);
        assertConflict(api.patch("/api/channels/" + owned.channelId(), owner.accessToken(),
                json(Map.of("enabled", true))), "/settings/phoneNumber");
        assertThat(api.get("/api/channels/" + owned.channelId(), owner.accessToken()).json().get("enabled")
                .asBoolean()).isFalse();
    }

    private JsonClient.Answer createChannel(Session admin, String type, Map<String, String> settings) {
        return api.post("/api/channels", admin.accessToken(), json(Map.of("type", type, "name", type + " line",
                "settings", settings, "secret", randomSecret())));
    }

    private static void assertConflict(JsonClient.Answer answer, String pointer) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(409);
        assertThat(answer.raw().headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(answer.json().get("type").asText()).endsWith("address-taken");
        assertThat(answer.json().get("errors").get(0).get("pointer").asText()).isEqualTo(pointer);
    }

    /**
     * Sends a valid message from {@code customer} after the refused ones and waits for it to be stored: records of
     * one sender share a partition and are stored in order, so any refused one that reached Kafka would be there.
     */
    private void assertNotStoredOnceALaterMessageIs(TwilioChannel channel, String customer,
                                                    List<Map<String, String>> refused) {
        Map<String, String> valid = incoming(channel, customer, "a valid message after the refused ones");
        assertThat(deliver(channel, valid).statusCode()).isEqualTo(200);
        awaitStored(channel, valid.get("MessageSid"));
        for (Map<String, String> params : refused) {
            assertThat(rows("SELECT 1 FROM messages WHERE provider_message_id = :sid",
                    Map.of("sid", params.get("MessageSid")))).as(params.get("Body")).isEmpty();
        }
    }

    private double rejected() {
        return meters.find("custarea.webhooks.rejected").tag("provider", "twilio").counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String slug) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(PayloadJson.tree(response.body()).get("type").asText()).endsWith(slug);
    }

    private HttpResponse<byte[]> getBytes(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String sha256Hex(String body) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
