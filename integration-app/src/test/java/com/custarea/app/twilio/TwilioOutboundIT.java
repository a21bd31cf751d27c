package com.custarea.app.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.custarea.app.support.JsonClient;
import com.custarea.app.support.TwilioWebhookClient;
import com.custarea.routes.conversations.OutboundReplies;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.twilio.TwilioWebhookPaths;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.transaction.support.TransactionTemplate;

/** Replies out through Twilio: the exact request, once, retried only when Twilio asks, and its status callbacks. */
class TwilioOutboundIT extends TwilioIntegrationTest {

    @Autowired
    OutboundReplies replies;

    @Autowired
    TransactionTemplate transaction;

    @Value("${custarea.channels.twilio.connection-overrides}")
    String connectionOverrides;

    @Test
    void anAgentsWhatsAppReplyReachesTwilioExactlyAsTwilioExpectsItAndItsTicksMoveForwardOnly() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        acceptMessages(channel.accountSid());
        String customer = randomNumber();
        UUID conversationId = conversationWith(channel, customer);

        UUID replyId = reply(channel, conversationId, Map.of("text", "Your order ships today"));

        Map<String, Object> sent = awaitStatus(replyId, "sent");
        List<LoggedRequest> requests = requestsToTwilio(channel.accountSid());
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((channel.accountSid() + ":" + channel.authToken()).getBytes(StandardCharsets.UTF_8)));
        assertThat(form(requests.get(0))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "To", "whatsapp:" + customer,
                "From", "whatsapp:" + channel.number(),
                "Body", "Your order ships today",
                "StatusCallback", TwilioWebhookClient.PUBLIC_BASE_URL + TwilioWebhookPaths.statusCallback(
                        channel.channelId(), replyId) + "#" + connectionOverrides));
        String providerSid = (String) sent.get("provider_message_id");
        assertThat(providerSid).startsWith("SM");

        assertThat(statusCallback(channel, replyId, providerSid, "delivered", null).statusCode()).isEqualTo(200);
        awaitStatus(replyId, "delivered");
        assertThat(statusCallback(channel, replyId, providerSid, "read", null).statusCode()).isEqualTo(200);
        awaitStatus(replyId, "read");
        // a late, retried "sent" never takes the ticks back
        assertThat(statusCallback(channel, replyId, providerSid, "sent", null).statusCode()).isEqualTo(200);
        assertThat(statusCallback(channel, replyId, providerSid, "sending", null).statusCode()).isEqualTo(200);
        staysTrue(() -> assertThat(status(replyId).get("status")).isEqualTo("read"));
        assertThat(rows("SELECT state FROM send_ledger WHERE message_id = :id", Map.of("id", replyId)).get(0)
                .get("state")).isEqualTo("sent");
    }

    @Test
    void theStatusCallbackCarriesConnectionOverridesAndVerifiesSignedWithOrWithoutThem() {
        assertThat(connectionOverrides).as("the application's default").isEqualTo("rc=3&rp=ct,rt,5xx");
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", false);
        acceptMessages(channel.accountSid());
        UUID replyId = reply(channel, conversationWith(channel, randomNumber()), Map.of("text", "ticks, please"));
        String providerSid = (String) awaitStatus(replyId, "sent").get("provider_message_id");

        String pathAndQuery = TwilioWebhookPaths.statusCallback(channel.channelId(), replyId);
        String callback = TwilioWebhookClient.PUBLIC_BASE_URL + pathAndQuery;
        assertThat(sentToTwilio(channel.accountSid()).get(0).get("StatusCallback"))
                .isEqualTo(callback + "#" + connectionOverrides);

        // the fragment never reaches us: Twilio's request goes to the path and query alone, whichever form it signed
        Map<String, String> delivered = statusParameters(channel, providerSid, "delivered", null);
        HttpResponse<String> signedWithFragment = twilio.postSigned(pathAndQuery, delivered,
                TwilioWebhookClient.signature(channel.authToken(), callback + "#" + connectionOverrides, delivered));
        assertThat(signedWithFragment.statusCode()).as(signedWithFragment.body()).isEqualTo(200);
        awaitStatus(replyId, "delivered");
        Map<String, String> read = statusParameters(channel, providerSid, "read", null);
        HttpResponse<String> signedWithout = twilio.postSigned(pathAndQuery, read,
                TwilioWebhookClient.signature(channel.authToken(), callback, read));
        assertThat(signedWithout.statusCode()).as(signedWithout.body()).isEqualTo(200);
        awaitStatus(replyId, "read");

        // any other fragment is not a URL we gave Twilio
        Map<String, String> failed = statusParameters(channel, providerSid, "failed", "30008");
        assertThat(twilio.postSigned(pathAndQuery, failed, TwilioWebhookClient.signature(channel.authToken(),
                callback + "#rc=5", failed)).statusCode()).isEqualTo(403);
    }

    @Test
    void aDeliveredCallbackArrivingBeforeOurOwnSendOutcomeIsKept() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        String providerSid = sid("SM");
        // Twilio takes its time to answer the create call; its callback for the message overtakes the answer
        TENANT_SYSTEMS.stubFor(messagesApi(channel.accountSid()).willReturn(aResponse().withStatus(201)
                .withFixedDelay(10_000).withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"" + providerSid + "\",\"status\":\"queued\",\"num_segments\":\"1\","
                        + "\"direction\":\"outbound-api\",\"api_version\":\"2010-04-01\"}")));
        UUID conversationId = conversationWith(channel, randomNumber());
        UUID replyId = reply(channel, conversationId, Map.of("text", "racing the answer"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "in_flight".equals(ledgerState(replyId)));

        assertThat(statusCallback(channel, replyId, providerSid, "delivered", null).statusCode()).isEqualTo(200);

        Map<String, Object> delivered = awaitStatus(replyId, "delivered");
        assertThat(delivered.get("provider_message_id")).isEqualTo(providerSid);
        assertThat(ledgerState(replyId)).as("the call is still under way").isEqualTo("in_flight");
        await().atMost(Duration.ofSeconds(30)).until(() -> "sent".equals(ledgerState(replyId)));
        staysTrue(() -> assertThat(status(replyId)).containsEntry("status", "delivered")
                .containsEntry("provider_message_id", providerSid));
        assertThat(requestsToTwilio(channel.accountSid())).hasSize(1);
        // the late "sent" of our own outcome changes nothing the dashboard sees
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(announcedStatuses(conversationId)
                .get(replyId.toString())).containsExactly("delivered"));
    }

    @Test
    void attachmentsGoAsMediaUrls() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        acceptMessages(channel.accountSid());
        UUID conversationId = conversationWith(channel, randomNumber());

        UUID replyId = reply(channel, conversationId, Map.of("text", "your invoice", "attachments", List.of(
                Map.of("url", "https://files.example/invoice-42.pdf", "contentType", "application/pdf"))));

        awaitStatus(replyId, "sent");
        Map<String, String> request = sentToTwilio(channel.accountSid()).get(0);
        assertThat(request).containsEntry("MediaUrl", "https://files.example/invoice-42.pdf")
                .containsEntry("Body", "your invoice");
    }

    @Test
    void theAiAgentAnswersAnSmsThroughTwilio() {
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", true);
        acceptMessages(channel.accountSid());
        String customer = randomNumber();

        assertThat(deliver(channel, incoming(channel, customer, "When do you open?")).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> sentToTwilio(channel.accountSid()).size() == 1);
        Map<String, String> request = sentToTwilio(channel.accountSid()).get(0);
        assertThat(request.get("To")).isEqualTo(customer);
        assertThat(request.get("From")).isEqualTo(channel.number());
        assertThat(request.get("Body")).contains("When do you open?");
    }

    @Test
    void aChannelInAMessagingServiceSendsThroughTheService() {
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", false, randomNumber(), sid("MG"));
        acceptMessages(channel.accountSid());
        UUID conversationId = conversationWith(channel, randomNumber());

        UUID replyId = reply(channel, conversationId, Map.of("text", "from the service"));

        awaitStatus(replyId, "sent");
        Map<String, String> request = sentToTwilio(channel.accountSid()).get(0);
        assertThat(request).containsEntry("MessagingServiceSid", channel.messagingServiceSid())
                .doesNotContainKey("From");
    }

    @Test
    void aChannelWithAnApiKeyCallsTheAccountsMessagesApiAsTheKey() {
        Session admin = registerTenant();
        String accountSid = sid("AC");
        String authToken = randomSecret();
        String apiKeySid = sid("SK");
        String apiKeySecret = randomSecret();
        String number = randomNumber();
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "sms",
                "name", "sms line", "settings", Map.of("accountSid", accountSid, "phoneNumber", number),
                "secret", json(Map.of("authToken", authToken, "apiKeySid", apiKeySid, "apiKeySecret", apiKeySecret)))));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        // webhooks are still signed with the auth token; only the REST calls use the key
        TwilioChannel channel = new TwilioChannel(admin, UUID.fromString(created.json().get("channel").get("id")
                .asText()), "sms", accountSid, authToken, number, null);
        acceptMessages(accountSid);
        UUID conversationId = conversationWith(channel, randomNumber());

        UUID replyId = reply(channel, conversationId, Map.of("text", "sent with an API key"));

        awaitStatus(replyId, "sent");
        List<LoggedRequest> requests = requestsToTwilio(accountSid);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getUrl()).as("the account's SID stays in the path")
                .isEqualTo(messagesPath(accountSid));
        assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((apiKeySid + ":" + apiKeySecret).getBytes(StandardCharsets.UTF_8)));
        assertThat(form(requests.get(0))).containsEntry("Body", "sent with an API key").containsEntry("From", number);
    }

    @Test
    void outsideTheSessionWindowAFreeFormMessageFailsWith63016AndATemplateIsSent() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        acceptMessages(channel.accountSid());
        String customer = randomNumber();
        UUID conversationId = conversationWith(channel, customer);
        jdbc.update("UPDATE messages SET created_at = now() - interval '25 hours' WHERE conversation_id = :id",
                Map.of("id", conversationId));

        UUID freeForm = reply(channel, conversationId, Map.of("text", "Are you still there?"));
        Map<String, Object> failed = awaitStatus(freeForm, "failed");
        assertThat(failed.get("error_code")).isEqualTo("63016");
        assertThat(sentToTwilio(channel.accountSid())).isEmpty();

        String contentSid = sid("HX");
        UUID template = reply(channel, conversationId, Map.of(
                "template", Map.of("contentSid", contentSid, "variables", Map.of("1", "Ada", "2", "10:30"))));
        awaitStatus(template, "sent");
        Map<String, String> request = sentToTwilio(channel.accountSid()).get(0);
        assertThat(request).containsEntry("ContentSid", contentSid)
                .containsEntry("To", "whatsapp:" + customer)
                .containsEntry("From", "whatsapp:" + channel.number());
        assertThat(PayloadJson.tree(request.get("ContentVariables")))
                .isEqualTo(PayloadJson.tree("{\"1\":\"Ada\",\"2\":\"10:30\"}"));
        assertThat(request).as("a template carries no free-form body").doesNotContainKey("Body");
    }

    @Test
    void aRateLimitedSendIsRetriedNoSoonerThanRetryAfterAndSentOnce() {
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", false);
        String scenario = channel.accountSid();
        TENANT_SYSTEMS.stubFor(messagesApi(channel.accountSid()).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}"))
                .willSetStateTo("calm"));
        TENANT_SYSTEMS.stubFor(messagesApi(channel.accountSid()).inScenario(scenario).whenScenarioStateIs("calm")
                .willReturn(created()));
        UUID conversationId = conversationWith(channel, randomNumber());

        UUID replyId = reply(channel, conversationId, Map.of("text", "patience"));

        awaitStatus(replyId, "sent");
        List<LoggedRequest> requests = requestsToTwilio(channel.accountSid());
        assertThat(requests).hasSize(2);
        long waitedMs = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(waitedMs).as("the retry honoured Retry-After: 1").isGreaterThanOrEqualTo(1000);
    }

    @Test
    void aSendThatOutlastsTheRetriesIsParkedAndSentOnceTwilioIsBack() {
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", false);
        String scenario = channel.accountSid() + "-outage";
        // the first try and both in-place retries fail (custarea.providers.max-retries=2 in the tests)
        String[] states = {Scenario.STARTED, "down-1", "down-2", "up"};
        for (int i = 0; i < 3; i++) {
            TENANT_SYSTEMS.stubFor(messagesApi(channel.accountSid()).inScenario(scenario)
                    .whenScenarioStateIs(states[i])
                    .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                            .withBody("{\"code\":20500,\"message\":\"Service unavailable\",\"status\":503}"))
                    .willSetStateTo(states[i + 1]));
        }
        TENANT_SYSTEMS.stubFor(messagesApi(channel.accountSid()).inScenario(scenario).whenScenarioStateIs("up")
                .willReturn(created()));
        UUID conversationId = conversationWith(channel, randomNumber());

        UUID replyId = reply(channel, conversationId, Map.of("text", "still there?"));

        awaitStatus(replyId, "sent");
        assertThat(requestsToTwilio(channel.accountSid())).hasSize(4);
        assertThat(rows("SELECT message_id FROM parked_sends WHERE message_id = :id", Map.of("id", replyId)))
                .as("parked, then forgotten once sent").isEmpty();
    }

    @Test
    void aPermanentRefusalFailsTheMessageWithTwiliosCodeAndIsNotRetried() {
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", false);
        TENANT_SYSTEMS.stubFor(messagesApi(channel.accountSid()).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":21211,\"message\":\"Invalid 'To' Phone Number\","
                        + "\"more_info\":\"https://www.twilio.com/docs/errors/21211\",\"status\":400}")));
        UUID conversationId = conversationWith(channel, randomNumber());

        UUID replyId = reply(channel, conversationId, Map.of("text", "into the void"));

        Map<String, Object> failed = awaitStatus(replyId, "failed");
        assertThat(failed.get("error_code")).isEqualTo("21211");
        staysTrue(() -> assertThat(requestsToTwilio(channel.accountSid())).hasSize(1));
        assertThat(rows("SELECT state FROM send_ledger WHERE message_id = :id", Map.of("id", replyId)).get(0)
                .get("state")).isEqualTo("failed");
    }

    @Test
    void aMessageWhoseLastCallHasNoRecordedOutcomeFailsAndIsNeverSentAgain() throws Exception {
        TwilioChannel channel = twilioChannel(registerTenant(), "sms", false);
        acceptMessages(channel.accountSid());
        UUID conversationId = conversationWith(channel, randomNumber());
        UUID replyId = UUID.randomUUID();
        List<OutgoingRecord> records = transaction.execute(tx -> replies.queue(channel.admin().tenantId(),
                conversationId, replyId, "agent", "did this go out?", "corr-" + replyId, null).orElseThrow());
        OutgoingRecord outbound = records.stream()
                .filter(record -> record.topic().equals(Topics.outbound(Channel.SMS).name())).findFirst().orElseThrow();
        // the process died during the call: the ledger claimed the message, no outcome was ever recorded
        jdbc.update("""
                INSERT INTO send_ledger (message_id, tenant_id, channel, state, attempts)
                VALUES (:id, :tenant, :channel, 'in_flight', 1)
                """, Map.of("id", replyId, "tenant", channel.admin().tenantId(), "channel", Channel.SMS.wireName()));

        // Kafka redelivers the record the crashed consumer had not committed
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(outbound.topic(), outbound.key(), outbound.value())).get();
        }

        assertThat(awaitStatus(replyId, "failed").get("error_code")).isEqualTo("outcome-unknown");
        staysTrue(() -> assertThat(requestsToTwilio(channel.accountSid())).isEmpty());
        assertThat(rows("SELECT state, attempts FROM send_ledger WHERE message_id = :id", Map.of("id", replyId)))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("state")).isEqualTo("failed");
                    assertThat(row.get("attempts")).isEqualTo(1);
                });
    }

    @Test
    void outOfOrderStatusCallbacksEndInTheRightState() {
        TwilioChannel channel = twilioChannel(registerTenant(), "whatsapp", false);
        acceptMessages(channel.accountSid());
        UUID conversationId = conversationWith(channel, randomNumber());
        UUID deliveredFirst = reply(channel, conversationId, Map.of("text", "one"));
        UUID readFirst = reply(channel, conversationId, Map.of("text", "two"));
        UUID undelivered = reply(channel, conversationId, Map.of("text", "three"));
        for (UUID id : List.of(deliveredFirst, readFirst, undelivered)) {
            awaitStatus(id, "sent");
        }

        statusCallback(channel, deliveredFirst, "SM1", "delivered", null);
        statusCallback(channel, deliveredFirst, "SM1", "sent", null);
        statusCallback(channel, readFirst, "SM2", "read", null);
        statusCallback(channel, readFirst, "SM2", "delivered", null);
        statusCallback(channel, readFirst, "SM2", "sent", null);
        statusCallback(channel, undelivered, "SM3", "undelivered", "30008");

        awaitStatus(deliveredFirst, "delivered");
        awaitStatus(readFirst, "read");
        assertThat(awaitStatus(undelivered, "failed").get("error_code")).isEqualTo("30008");
        staysTrue(() -> {
            assertThat(status(deliveredFirst).get("status")).isEqualTo("delivered");
            assertThat(status(readFirst).get("status")).isEqualTo("read");
        });
        // the dashboard sees each change once, and none for the callbacks that came too late to change anything
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, List<String>> announced = announcedStatuses(conversationId);
            assertThat(announced.get(deliveredFirst.toString())).containsExactly("sent", "delivered");
            assertThat(announced.get(readFirst.toString())).containsExactly("sent", "read");
            assertThat(announced.get(undelivered.toString())).containsExactly("sent", "failed");
        });
    }

    @Test
    void aStatusCallbackCannotTouchAnotherTenantsMessage() {
        TwilioChannel victim = twilioChannel(registerTenant(), "sms", false);
        acceptMessages(victim.accountSid());
        UUID replyId = reply(victim, conversationWith(victim, randomNumber()), Map.of("text", "mine"));
        awaitStatus(replyId, "sent");
        TwilioChannel attacker = twilioChannel(registerTenant(), "sms", false);

        // validly signed by the attacker's own account, naming the victim's message
        assertThat(statusCallback(attacker, replyId, "SMx", "failed", "30007").statusCode()).isEqualTo(404);
        // naming the victim's channel, signed with the attacker's token
        assertThat(twilio.post(TwilioWebhookPaths.statusCallback(victim.channelId(), replyId), Map.of(
                "MessageSid", "SMx", "MessageStatus", "failed"), attacker.authToken()).statusCode()).isEqualTo(403);

        staysTrue(() -> assertThat(status(replyId).get("status")).isEqualTo("sent"));
    }

    @Test
    void aChannelWithoutAnAccountIsASandboxThatRecordsInsteadOfSending() {
        Session admin = registerTenant();
        String number = randomNumber();
        JsonClient.Answer channel = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "sms",
                "name", "Trial", "settings", Map.of("phoneNumber", number))));
        assertThat(channel.status()).as(channel.raw().body()).isEqualTo(201);
        UUID channelId = UUID.fromString(channel.json().get("channel").get("id").asText());
        String customer = randomNumber();
        JsonClient.Answer contact = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Trial user",
                "phone", customer)));
        assertThat(contact.status()).as(contact.raw().body()).isEqualTo(201);
        JsonClient.Answer conversation = api.post("/api/conversations", admin.accessToken(), json(Map.of(
                "contactId", contact.json().get("id").asText(), "channelId", channelId.toString())));
        assertThat(conversation.status()).as(conversation.raw().body()).isEqualTo(201);
        UUID conversationId = UUID.fromString(conversation.json().get("id").asText());

        JsonClient.Answer posted = api.post("/api/messages", admin.accessToken(), json(Map.of(
                "conversationId", conversationId.toString(), "text", "hello from the sandbox")));
        assertThat(posted.status()).as(posted.raw().body()).isEqualTo(201);
        UUID replyId = UUID.fromString(posted.json().get("id").asText());

        assertThat(awaitStatus(replyId, "sent").get("provider_message_id")).isEqualTo("sandbox:" + replyId);
        List<Map<String, Object>> outbox = rows("SELECT recipient, text FROM sandbox_outbox WHERE message_id = :id",
                Map.of("id", replyId));
        assertThat(outbox).singleElement().satisfies(row -> {
            assertThat(row.get("recipient")).isEqualTo(customer);
            assertThat(row.get("text")).isEqualTo("hello from the sandbox");
        });
    }

    @Test
    void aMisconfiguredChannelIsRefusedBeforeItIsStored() {
        Session admin = registerTenant();
        JsonClient.Answer noNumber = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "whatsapp",
                "name", "Nowhere", "settings", Map.of("accountSid", sid("AC")), "secret", "0123456789abcdef0123")));
        assertThat(noNumber.status()).isEqualTo(400);
        assertThat(noNumber.raw().body()).contains("/settings/phoneNumber");
        JsonClient.Answer notE164 = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "sms",
                "name", "Local", "settings", Map.of("phoneNumber", "0207 946 0000"))));
        assertThat(notE164.status()).isEqualTo(400);
        assertThat(api.get("/api/channels", admin.accessToken()).json()).isEmpty();
    }

    /** A conversation that the customer started by writing to {@code channel}. */
    private UUID conversationWith(TwilioChannel channel, String customer) {
        Map<String, String> params = incoming(channel, customer, "Hi there");
        assertThat(deliver(channel, params).statusCode()).isEqualTo(200);
        return (UUID) awaitStored(channel, params.get("MessageSid")).get("conversation_id");
    }

    private UUID reply(TwilioChannel channel, UUID conversationId, Map<String, Object> body) {
        Map<String, Object> request = new java.util.HashMap<>(body);
        request.put("conversationId", conversationId.toString());
        JsonClient.Answer posted = api.post("/api/messages", channel.admin().accessToken(), json(request));
        assertThat(posted.status()).as(posted.raw().body()).isEqualTo(201);
        return UUID.fromString(posted.json().get("id").asText());
    }

    private Map<String, Object> awaitStatus(UUID messageId, String status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(status(messageId).get("status")).isEqualTo(status));
        return status(messageId);
    }

    /** The statuses conversation.events announced (message.status_changed) in a conversation, in order, by message. */
    private Map<String, List<String>> announcedStatuses(UUID conversationId) {
        return topics.readAll(Topics.CONVERSATION_EVENTS.name(),
                        record -> conversationId.toString().equals(record.key())).stream()
                .map(record -> PayloadJson.tree(record.value()))
                .filter(event -> event.path("type").asText().equals("message.status_changed"))
                .collect(Collectors.groupingBy(event -> event.path("messageId").asText(),
                        Collectors.mapping(event -> event.path("status").asText(), Collectors.toList())));
    }

    private String ledgerState(UUID messageId) {
        return rows("SELECT state FROM send_ledger WHERE message_id = :id", Map.of("id", messageId)).stream()
                .map(row -> (String) row.get("state")).findFirst().orElse(null);
    }

    private Map<String, Object> status(UUID messageId) {
        return rows("SELECT status, error_code, provider_message_id FROM messages WHERE id = :id",
                Map.of("id", messageId)).get(0);
    }
}
