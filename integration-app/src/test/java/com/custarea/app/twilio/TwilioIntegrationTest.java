package com.custarea.app.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.app.support.TwilioWebhookClient;
import com.custarea.routes.twilio.TwilioWebhookPaths;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.BeforeEach;

/** The base of the Twilio tests: WhatsApp and SMS channels configured through the API, and Twilio's two sides. */
abstract class TwilioIntegrationTest extends DashboardIntegrationTest {

    protected TwilioWebhookClient twilio;

    @BeforeEach
    void twilioClient() {
        twilio = new TwilioWebhookClient(port);
    }

    /** A tenant's Twilio channel in a test. */
    record TwilioChannel(Session admin, UUID channelId, String type, String accountSid, String authToken,
                         String number, String messagingServiceSid) {

        String address() {
            return ("whatsapp".equals(type) ? "whatsapp:" : "") + number;
        }

        String webhookPath() {
            return "whatsapp".equals(type) ? TwilioWebhookPaths.WHATSAPP : TwilioWebhookPaths.SMS;
        }
    }

    /** A channel of {@code type} (whatsapp or sms) with its own Twilio account, created through the settings API. */
    protected TwilioChannel twilioChannel(Session admin, String type, boolean aiAgent) {
        return twilioChannel(admin, type, aiAgent, randomNumber(), null);
    }

    protected TwilioChannel twilioChannel(Session admin, String type, boolean aiAgent, String number,
                                          String messagingServiceSid) {
        String accountSid = sid("AC");
        String authToken = HexFormat.of().formatHex(randomBytes(16));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("accountSid", accountSid);
        if (number != null) {
            settings.put("phoneNumber", number);
        }
        if (messagingServiceSid != null) {
            settings.put("messagingServiceSid", messagingServiceSid);
        }
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", type,
                "name", type + " line", "settings", settings, "secret", authToken, "aiAgentEnabled", aiAgent)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().get("channel").get("id").asText());
        return new TwilioChannel(admin, id, type, accountSid, authToken, number, messagingServiceSid);
    }

    /** The parameters Twilio posts for a customer's text message to {@code channel}. */
    protected static Map<String, String> incoming(TwilioChannel channel, String customerNumber, String body) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("MessageSid", sid("SM"));
        params.put("SmsMessageSid", params.get("MessageSid"));
        params.put("AccountSid", channel.accountSid());
        params.put("From", ("whatsapp".equals(channel.type()) ? "whatsapp:" : "") + customerNumber);
        params.put("To", channel.number() == null ? randomNumber() : channel.address());
        params.put("Body", body);
        params.put("NumMedia", "0");
        params.put("NumSegments", "1");
        params.put("ApiVersion", "2010-04-01");
        if ("whatsapp".equals(channel.type())) {
            params.put("ProfileName", "Ada Lovelace");
            params.put("WaId", customerNumber.substring(1));
        }
        if (channel.messagingServiceSid() != null) {
            params.put("MessagingServiceSid", channel.messagingServiceSid());
        }
        return params;
    }

    protected HttpResponse<String> deliver(TwilioChannel channel, Map<String, String> params) {
        return twilio.post(channel.webhookPath(), params, channel.authToken());
    }

    /** The stored message Twilio's {@code messageSid} became, once the pipeline has stored it. */
    protected Map<String, Object> awaitStored(TwilioChannel channel, String messageSid) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !storedMessages(channel, messageSid).isEmpty());
        return storedMessages(channel, messageSid).get(0);
    }

    protected List<Map<String, Object>> storedMessages(TwilioChannel channel, String messageSid) {
        return rows("""
                SELECT m.id, m.conversation_id, m.text, m.metadata::text AS metadata, m.attachments::text AS attachments,
                       c.contact_id
                FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE m.channel_id = :channel AND m.provider_message_id = :sid
                """, Map.of("channel", channel.channelId(), "sid", messageSid));
    }

    /** Makes Twilio's fake Messages API of {@code accountSid} accept every message (201 with a fresh SID). */
    protected static void acceptMessages(String accountSid) {
        TENANT_SYSTEMS.stubFor(messagesApi(accountSid).willReturn(created()));
    }

    protected static MappingBuilder messagesApi(String accountSid) {
        return post(urlPathEqualTo(messagesPath(accountSid)));
    }

    protected static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder created() {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withTransformers("response-template")
                .withBody("{\"sid\":\"SM{{randomValue length=32 type='HEXADECIMAL'}}\",\"status\":\"queued\","
                        + "\"num_segments\":\"1\",\"direction\":\"outbound-api\",\"api_version\":\"2010-04-01\"}");
    }

    protected static String messagesPath(String accountSid) {
        return "/2010-04-01/Accounts/" + accountSid + "/Messages.json";
    }

    /** The form parameters of every request Twilio's fake Messages API of {@code accountSid} received. */
    protected static List<Map<String, String>> sentToTwilio(String accountSid) {
        return TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(messagesPath(accountSid)))).stream()
                .map(TwilioIntegrationTest::form).toList();
    }

    protected static List<LoggedRequest> requestsToTwilio(String accountSid) {
        return TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(messagesPath(accountSid))));
    }

    static Map<String, String> form(LoggedRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** A status callback from Twilio for {@code messageId}, to the URL CustArea gave it. */
    protected HttpResponse<String> statusCallback(TwilioChannel channel, UUID messageId, String providerSid,
                                                  String status, String errorCode) {
        Map<String, String> params = statusParameters(channel, providerSid, status, errorCode);
        return twilio.post(TwilioWebhookPaths.statusCallback(channel.channelId(), messageId), params,
                channel.authToken());
    }

    /** The parameters of Twilio's status callback reporting {@code status} of {@code providerSid}. */
    protected static Map<String, String> statusParameters(TwilioChannel channel, String providerSid, String status,
                                                          String errorCode) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("MessageSid", providerSid);
        params.put("SmsSid", providerSid);
        params.put("AccountSid", channel.accountSid());
        params.put("MessageStatus", status);
        params.put("SmsStatus", status);
        params.put("From", channel.address());
        params.put("To", "whatsapp".equals(channel.type()) ? "whatsapp:+14155550123" : "+14155550123");
        params.put("ApiVersion", "2010-04-01");
        if (errorCode != null) {
            params.put("ErrorCode", errorCode);
        }
        return params;
    }

    /** Holds {@code assertion} for a while, so records still in the pipeline cannot have changed what it checks. */
    protected static void staysTrue(ThrowingRunnable assertion) {
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).untilAsserted(assertion);
    }

    protected static String sid(String prefix) {
        return prefix + HexFormat.of().formatHex(randomBytes(16));
    }

    /** A random UK mobile number in E.164: a hundred million of them, so tests never share one. */
    protected static String randomNumber() {
        return "+4479" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
