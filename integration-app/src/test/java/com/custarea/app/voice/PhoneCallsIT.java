package com.custarea.app.voice;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Calls in integration-app: voice lines, the voice bridge's internal API (its token, a number's line, the agent's
 * answer), the call recorder turning calls.events into the conversation (in order, with speakers, once however often
 * an event comes), call.ended for webhooks, and outbound calls placed through the fake Twilio API.
 */
class PhoneCallsIT extends DashboardIntegrationTest {

    private static final String BRIDGE_TOKEN = "voice-bridge-test-token";
    private final HttpClient http = HttpClient.newHttpClient();

    private record Line(Session admin, UUID channelId, String number, String accountSid, String authToken) {
    }

    @Test
    void theBridgeFindsALineByItsNumberAndGetsTheAgentsAnswerWithItsTokenOnly() throws Exception {
        Line line = line("convrelay");
        assertThat(internalGet("/lines?number=" + enc(line.number()), null).statusCode()).isEqualTo(401);
        assertThat(internalGet("/lines?number=" + enc(line.number()), "wrong").statusCode()).isEqualTo(401);
        assertThat(internalGet("/lines?number=" + enc("+14155550000"), BRIDGE_TOKEN).statusCode()).isEqualTo(404);
        HttpResponse<String> found = internalGet("/lines?number=" + enc(line.number()), BRIDGE_TOKEN);
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        JsonNode view = PayloadJson.tree(found.body());
        assertThat(view.get("tenantId").asText()).isEqualTo(line.admin().tenantId().toString());
        assertThat(view.get("mode").asText()).isEqualTo("convrelay");
        assertThat(view.get("authToken").asText()).isEqualTo(line.authToken());
        assertThat(api.get("/api/internal/voice/lines?number=" + enc(line.number()), line.admin().accessToken())
                .status()).as("a dashboard token is not the bridge's").isEqualTo(401);

        String caller = "+1415" + (2_000_000 + (int) (Math.random() * 7_000_000));
        HttpResponse<String> answered = internalPost("/answer", BRIDGE_TOKEN, Map.of("tenantId",
                line.admin().tenantId(), "channelId", line.channelId(), "callId", UUID.randomUUID(),
                "callSid", callSid(), "customerNumber", caller, "utterance", "Where is my order?"));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(PayloadJson.tree(answered.body()).get("text").asText()).isEqualTo("Echo: Where is my order?");
        assertThat(PayloadJson.tree(answered.body()).get("handoff").asBoolean()).isFalse();
        HttpResponse<String> withheld = internalPost("/answer", BRIDGE_TOKEN, Map.of("tenantId",
                line.admin().tenantId(), "channelId", line.channelId(), "callId", UUID.randomUUID(),
                "callSid", callSid(), "customerNumber", "anonymous", "utterance", "Who am I?"));
        assertThat(withheld.statusCode()).as("a withheld number is a caller too: " + withheld.body()).isEqualTo(200);
        Session other = registerTenant();
        assertThat(internalPost("/answer", BRIDGE_TOKEN, Map.of("tenantId", other.tenantId(), "channelId",
                line.channelId(), "callId", UUID.randomUUID(), "callSid", callSid(), "customerNumber", caller,
                "utterance", "hi")).statusCode()).as("another tenant's line").isEqualTo(404);
        assertThat(internalPost("/answer", BRIDGE_TOKEN, Map.of("tenantId", line.admin().tenantId(), "channelId",
                line.channelId(), "callId", "x", "utterance", "hi")).statusCode()).isEqualTo(400);
    }

    @Test
    void theRecorderKeepsTheCallInTheConversationInOrderOnceAndAnnouncesItsEnd() throws Exception {
        Line line = line("legacy");
        String hookPath = "/hooks/" + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(hookPath)).willReturn(aResponse().withStatus(204)));
        assertThat(api.post("/api/webhook-subscriptions", line.admin().accessToken(), json(Map.of("url",
                TENANT_SYSTEMS.baseUrl() + hookPath, "eventTypes", List.of("call.ended")))).status()).isEqualTo(201);
        String sid = callSid();
        UUID callId = CallEvent.callIdOf(sid);
        String caller = "+1415" + (2_000_000 + (int) (Math.random() * 7_000_000));
        Instant start = Instant.now().minusSeconds(30);
        List<CallEvent> events = List.of(
                event(line, callId, sid, caller, CallEvent.STARTED, 0, null, null, null, start),
                event(line, callId, sid, caller, CallEvent.TRANSCRIPT, 1, CallEvent.AGENT, "Hello, how can I help?",
                        null, start.plusSeconds(1)),
                event(line, callId, sid, caller, CallEvent.TRANSCRIPT, 2, CallEvent.CALLER, "My parcel is late",
                        null, start.plusSeconds(4)),
                event(line, callId, sid, caller, CallEvent.TOOL_CALL, 3, null, null, null, start.plusSeconds(5)),
                event(line, callId, sid, caller, CallEvent.TRANSCRIPT, 4, CallEvent.AGENT, "Echo: My parcel is late",
                        null, start.plusSeconds(6)),
                event(line, callId, sid, caller, CallEvent.ENDED, 5, null, null, "completed", start.plusSeconds(9)));
        publish(events);
        // Kafka redelivers: everything again, nothing twice
        publish(events);

        JsonNode call = await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/phone/calls/" + callId,
                line.admin().accessToken()), answer -> answer.status() == 200
                && "ended".equals(answer.json().path("status").asText())).json();
        assertThat(call.get("direction").asText()).isEqualTo("inbound");
        assertThat(call.get("durationSeconds").asInt()).isEqualTo(9);
        assertThat(call.get("endReason").asText()).isEqualTo("completed");
        assertThat(call.get("transcript")).extracting(entry -> entry.get("speaker").asText() + ": "
                + entry.get("text").asText()).containsExactly("agent: Hello, how can I help?",
                "caller: My parcel is late", "agent: Echo: My parcel is late");

        String conversation = call.get("conversationId").asText();
        List<String> timeline = new ArrayList<>();
        api.get("/api/messages?limit=100&conversationId=" + conversation, line.admin().accessToken()).json()
                .get("items").forEach(message -> timeline.add(message.get("createdAt").asText() + " "
                        + message.get("direction").asText() + " " + message.get("senderType").asText() + " "
                        + message.get("text").asText()));
        assertThat(timeline.stream().sorted().map(entry -> entry.substring(entry.indexOf(' ') + 1)).toList())
                .containsExactly("outbound ai Hello, how can I help?", "inbound contact My parcel is late",
                        "outbound system The voice agent used handoff_to_human {\"reason\":\"late parcel\"}",
                        "outbound ai Echo: My parcel is late");
        JsonNode contact = api.get("/api/contacts/" + call.get("contactId").asText(), line.admin().accessToken())
                .json();
        assertThat(contact.get("identifiers")).extracting(identifier -> identifier.get("value").asText())
                .contains(caller);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo(hookPath)))).singleElement().satisfies(request -> assertThat(
                PayloadJson.tree(request.getBodyAsString()).path("data").path("conversationId").asText())
                .isEqualTo(conversation)));
        assertThat(api.get("/api/phone/calls/" + callId, registerTenant().accessToken()).status())
                .as("another tenant's call").isEqualTo(404);

        // a text reply cannot reach a phone call: it fails with a reason instead of waiting for ever
        JsonClient.Answer reply = api.post("/api/messages", line.admin().accessToken(), json(Map.of(
                "conversationId", conversation, "text", "We called you back?")));
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("/api/messages/"
                + reply.json().get("id").asText(), line.admin().accessToken()).json().get("errorCode").asText())
                .isEqualTo("voice-no-text"));
    }

    @Test
    void anOutboundCallIsPlacedThroughTwilioWithTheBridgesTwiml() throws Exception {
        Line line = line("realtime");
        String sid = callSid();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo("/2010-04-01/Accounts/" + line.accountSid() + "/Calls.json"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\":\"" + sid + "\",\"status\":\"queued\",\"direction\":\"outbound-api\","
                                + "\"api_version\":\"2010-04-01\",\"account_sid\":\"" + line.accountSid() + "\"}")));
        String customer = "+1415" + (2_000_000 + (int) (Math.random() * 7_000_000));
        String contact = api.post("/api/contacts", line.admin().accessToken(), json(Map.of("name", "Ada",
                "phone", customer))).json().get("id").asText();
        String nobody = api.post("/api/contacts", line.admin().accessToken(), json(Map.of("name", "No phone",
                "externalId", "np-" + UUID.randomUUID()))).json().get("id").asText();

        JsonClient.Answer placed = api.post("/api/phone/calls", line.admin().accessToken(), json(Map.of(
                "contactId", contact, "mode", "convrelay")));
        assertThat(placed.status()).as(placed.raw().body()).isEqualTo(201);
        assertThat(placed.json().get("id").asText()).isEqualTo(CallEvent.callIdOf(sid).toString());
        assertThat(placed.json().get("status").asText()).isEqualTo("queued");
        assertThat(placed.json().get("to").asText()).isEqualTo(customer);
        Map<String, String> sent = form(TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(
                "/2010-04-01/Accounts/" + line.accountSid() + "/Calls.json"))).get(0).getBodyAsString());
        assertThat(sent).containsEntry("To", customer).containsEntry("From", line.number())
                .containsEntry("Url", "https://voice.example.test/twiml/voice?mode=convrelay")
                .containsEntry("StatusCallback", "https://voice.example.test/twiml/status");
        assertThat(TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/"
                + line.accountSid() + "/Calls.json")).withHeader("Authorization", equalTo("Basic "
                + java.util.Base64.getEncoder().encodeToString((line.accountSid() + ":" + line.authToken())
                .getBytes(StandardCharsets.UTF_8)))))).hasSize(1);
        assertThat(api.get("/api/phone/calls/" + placed.json().get("id").asText(), line.admin().accessToken())
                .json().get("conversationId").asText()).isNotBlank();

        assertThat(api.post("/api/phone/calls", line.admin().accessToken(), json(Map.of("contactId", nobody)))
                .status()).as("no phone number").isEqualTo(400);
        assertThat(api.post("/api/phone/calls", line.admin().accessToken(), json(Map.of("contactId", contact,
                "mode", "telepathy"))).status()).isEqualTo(400);
        Session other = registerTenant();
        assertThat(api.post("/api/phone/calls", other.accessToken(), json(Map.of("contactId", contact))).status())
                .as("another tenant has no voice line, and not this contact").isEqualTo(400);
        assertThat(api.get("/api/phone/calls/" + placed.json().get("id").asText(), other.accessToken()).status())
                .isEqualTo(404);
        assertThat(api.post("/api/channels", line.admin().accessToken(), json(Map.of("type", "voice", "name",
                "Bad", "settings", Map.of("mode", "telepathy")))).status()).isEqualTo(400);
    }

    private Line line(String mode) {
        Session admin = registerTenant();
        String number = "+1415" + (2_000_000 + (int) (Math.random() * 7_000_000));
        String accountSid = "AC" + hex(16);
        String authToken = hex(16);
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "voice",
                "name", "Phone", "settings", Map.of("phoneNumber", number, "accountSid", accountSid, "mode", mode),
                "secret", authToken, "aiAgentEnabled", true)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return new Line(admin, UUID.fromString(created.json().get("channel").get("id").asText()), number,
                accountSid, authToken);
    }

    private CallEvent event(Line line, UUID callId, String sid, String caller, String type, int sequence,
                            String speaker, String text, String endReason, Instant at) {
        return new CallEvent(UUID.randomUUID(), line.admin().tenantId(), at, CallEvent.SCHEMA_VERSION,
                "call-" + callId, callId, line.channelId(), type, sequence, sid, "inbound", "legacy", caller,
                line.number(), speaker, text, CallEvent.TOOL_CALL.equals(type) ? "handoff_to_human" : null,
                CallEvent.TOOL_CALL.equals(type) ? "{\"reason\":\"late parcel\"}" : null,
                CallEvent.ENDED.equals(type) ? 9 : null, endReason);
    }

    private void publish(List<CallEvent> events) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            for (CallEvent event : events) {
                producer.send(new ProducerRecord<>(Topics.CALLS_EVENTS.name(), Topics.CALLS_EVENTS.keyFor(event),
                        PayloadJson.write(event))).get();
            }
        }
    }

    private HttpResponse<String> internalGet(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/internal/voice" + path)).GET();
        return http.send(token == null ? request.build() : request.header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> internalPost(String path, String token, Map<String, ?> body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/internal/voice"
                        + path)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PayloadJson.write(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2)).collect(Collectors.toMap(
                pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                pair -> URLDecoder.decode(pair.length > 1 ? pair[1] : "", StandardCharsets.UTF_8), (a, b) -> a));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String callSid() {
        return "CA" + hex(16);
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        new java.security.SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
