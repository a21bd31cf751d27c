package com.custarea.app.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.Test;

class WebhookIT extends DashboardIntegrationTest {

    @Test
    void aReceiverThatIsDownForAWhileGetsEveryEventOncePerDeliveryIdSigned() {
        Session admin = registerTenant();
        TestChannel channel = apiChannelOf(admin, false);
        String path = "/hooks/" + UUID.randomUUID();
        StubMapping down = TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(503)));
        JsonClient.Answer subscribed = subscribe(admin, path, List.of("contact.created", "ticket.created",
                "conversation.created", "message.created"));
        String secret = subscribed.json().get("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(api.get("/api/webhook-subscriptions/" + subscribed.json().get("id").asText(),
                admin.accessToken()).json().has("secret")).as("the secret is shown once").isFalse();

        String contact = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Ada",
                "externalId", "ada-1"))).json().get("id").asText();
        assertThat(api.post("/api/tickets", admin.accessToken(), json(Map.of("subject", "Broken",
                "contactId", contact))).status()).isEqualTo(201);
        assertThat(client.postMessage(channel.channelId(), channel.secret(),
                "{\"messageId\":\"wh-1\",\"sender\":{\"id\":\"newcomer\"},\"text\":\"hello\"}").statusCode())
                .isEqualTo(202);
        // a new sender: contact.created (from ingest), conversation.created, message.created; and the two above
        int expected = 5;

        // every delivery has failed at least once before the receiver comes back
        await().atMost(Duration.ofSeconds(30)).until(() -> events(path).stream()
                .map(event -> event.getRequest().getHeader(ApiChannelHeaders.DELIVERY_ID)).distinct().count()
                >= expected);
        TENANT_SYSTEMS.removeStub(down);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(204)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(accepted(path)).hasSize(expected));
        List<ServeEvent> accepted = accepted(path);
        Map<String, Long> perDeliveryId = accepted.stream().collect(Collectors.groupingBy(
                event -> event.getRequest().getHeader(ApiChannelHeaders.DELIVERY_ID), Collectors.counting()));
        assertThat(perDeliveryId).hasSize(expected).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        assertThat(accepted.stream().map(event -> event.getRequest().getHeader(ApiChannelHeaders.EVENT)))
                .containsExactlyInAnyOrder("contact.created", "contact.created", "ticket.created",
                        "conversation.created", "message.created");
        for (ServeEvent event : events(path)) {
            byte[] body = event.getRequest().getBody();
            long timestamp = Long.parseLong(event.getRequest().getHeader(ApiChannelHeaders.TIMESTAMP));
            assertThat(event.getRequest().getHeader(ApiChannelHeaders.SIGNATURE))
                    .isEqualTo("sha256=" + HmacSignatures.timestampedSha256Hex(secret, timestamp, body));
            JsonNode payload = PayloadJson.tree(new String(body, StandardCharsets.UTF_8));
            assertThat(payload.get("tenantId").asText()).isEqualTo(admin.tenantId().toString());
            assertThat(payload.get("type").asText()).isEqualTo(event.getRequest().getHeader(ApiChannelHeaders.EVENT));
        }
        // nothing more arrives once everything is delivered
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(accepted(path)).hasSize(expected));
        JsonNode log = api.get("/api/webhook-subscriptions/" + subscribed.json().get("id").asText()
                + "/deliveries", admin.accessToken()).json();
        assertThat(log.get("items")).hasSize(expected).allSatisfy(delivery -> {
            assertThat(delivery.get("status").asText()).isEqualTo("delivered");
            assertThat(delivery.get("log").get(0).get("statusCode").asInt()).isEqualTo(503);
            assertThat(delivery.get("log").get(delivery.get("attempts").asInt() - 1).get("statusCode").asInt())
                    .isEqualTo(204);
        });
    }

    @Test
    void aDeliveryThatNeverSucceedsIsDeadUntilReplayedAndReplayingTwiceSendsItOnce() {
        Session admin = registerTenant();
        String path = "/hooks/" + UUID.randomUUID();
        StubMapping broken = TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path))
                .willReturn(aResponse().withStatus(500)));
        String id = subscribe(admin, path, List.of("contact.updated")).json().get("id").asText();
        String contact = api.post("/api/contacts", admin.accessToken(), json(Map.of("externalId", "x-1")))
                .json().get("id").asText();
        assertThat(api.patch("/api/contacts/" + contact, admin.accessToken(), json(Map.of("name", "Renamed")))
                .status()).isEqualTo(200);

        JsonNode dead = await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/webhook-subscriptions/"
                + id + "/deliveries?status=dead", admin.accessToken()).json().get("items"), items -> items.size() == 1)
                .get(0);
        // custarea.webhooks.retry.max-attempts is 8 in the tests
        assertThat(dead.get("attempts").asInt()).isEqualTo(8);
        assertThat(dead.get("log")).hasSize(8).allSatisfy(attempt ->
                assertThat(attempt.get("statusCode").asInt()).isEqualTo(500));
        assertThat(events(path)).hasSize(8);

        TENANT_SYSTEMS.removeStub(broken);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)));
        JsonClient.Answer replay = api.post("/api/webhook-subscriptions/" + id + "/replay", admin.accessToken(),
                json(Map.of("deliveryIds", List.of(dead.get("id").asText()))));
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.json().get("queued").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(accepted(path)).hasSize(1));
        assertThat(api.post("/api/webhook-subscriptions/" + id + "/replay", admin.accessToken(), null).json()
                .get("queued").asInt()).isZero();
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(accepted(path)).hasSize(1));
        assertThat(accepted(path).get(0).getRequest().getHeader(ApiChannelHeaders.DELIVERY_ID))
                .isEqualTo(dead.get("id").asText());
        // the log keeps the attempts from before the replay and numbers the one after it on from them
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode delivered = api.get("/api/webhook-subscriptions/" + id + "/deliveries", admin.accessToken())
                    .json().get("items").get(0);
            assertThat(delivered.get("id").asText()).isEqualTo(dead.get("id").asText());
            assertThat(delivered.get("status").asText()).isEqualTo("delivered");
            assertThat(delivered.get("attempts").asInt()).isEqualTo(9);
            assertThat(delivered.get("log")).extracting(attempt -> attempt.get("attempt").asInt())
                    .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(delivered.get("log")).extracting(attempt -> attempt.get("statusCode").asInt())
                    .containsExactly(500, 500, 500, 500, 500, 500, 500, 500, 200);
        });
    }

    @Test
    void urlsOnLoopbackOrPrivateNetworksAndUnknownEventTypesAreRefused() {
        Session admin = registerTenant();
        for (String url : List.of("http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://192.168.0.10/x",
                "http://169.254.169.254/latest/meta-data", "http://[::1]:9000/x", "http://[fd00::1]/x",
                "http://100.64.0.1/x", "ftp://files.example/x", "http://user:pw@localhost/x")) {
            JsonClient.Answer refused = api.post("/api/webhook-subscriptions", admin.accessToken(), json(Map.of(
                    "url", url, "eventTypes", List.of("message.created"))));
            assertThat(refused.status()).as(url).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/url");
        }
        JsonClient.Answer unknownType = api.post("/api/webhook-subscriptions", admin.accessToken(), json(Map.of(
                "url", TENANT_SYSTEMS.baseUrl() + "/x", "eventTypes", List.of("message.deleted"))));
        assertThat(unknownType.status()).isEqualTo(400);
        assertThat(unknownType.json().get("errors").get(0).get("pointer").asText()).startsWith("/eventTypes/0");
        assertThat(api.get("/api/webhook-subscriptions", admin.accessToken()).json().get("items")).isEmpty();
    }

    @Test
    void subscriptionsAndEventsStayWithinTheirTenant() {
        Session a = registerTenant();
        Session b = registerTenant();
        String pathA = "/hooks/" + UUID.randomUUID();
        String pathB = "/hooks/" + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(pathA)).willReturn(aResponse().withStatus(200)));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(pathB)).willReturn(aResponse().withStatus(200)));
        String idA = subscribe(a, pathA, List.of("contact.created")).json().get("id").asText();
        subscribe(b, pathB, List.of("contact.created"));

        api.post("/api/contacts", a.accessToken(), json(Map.of("externalId", "only-a")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(accepted(pathA)).hasSize(1));
        assertThat(accepted(pathB)).isEmpty();

        for (JsonClient.Answer answer : List.of(
                api.get("/api/webhook-subscriptions/" + idA, b.accessToken()),
                api.get("/api/webhook-subscriptions/" + idA + "/deliveries", b.accessToken()),
                api.post("/api/webhook-subscriptions/" + idA + "/replay", b.accessToken(), null),
                api.patch("/api/webhook-subscriptions/" + idA, b.accessToken(), json(Map.of("enabled", false))),
                api.delete("/api/webhook-subscriptions/" + idA, b.accessToken()))) {
            assertThat(answer.status()).isEqualTo(404);
        }
        assertThat(api.get("/api/webhook-subscriptions", b.accessToken()).json().get("items")).hasSize(1);
        Session agent = inviteAgent(a);
        assertThat(api.get("/api/webhook-subscriptions", agent.accessToken()).status()).isEqualTo(403);
        assertThat(api.get("/api/webhook-subscriptions/" + idA, a.accessToken()).json().get("enabled").asBoolean())
                .isTrue();
    }

    @Test
    void contactsMadeByACsvImportOrALeadConversionAreAnnouncedOnceEach() {
        Session admin = registerTenant();
        String path = "/hooks/" + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(204)));
        subscribe(admin, path, List.of("contact.created"));

        JsonClient.Answer started = api.send("POST", "/api/contacts/import", admin.accessToken(), "text/csv", """
                name,email,phone,external_id
                Ada,ada@created.example,,
                Bob,,+44 20 7946 0001,
                Ada again,ada@created.example,,crm-ada
                """);
        assertThat(started.status()).as(started.raw().body()).isEqualTo(202);
        String lead = api.post("/api/leads", admin.accessToken(), json(Map.of("name", "Lin",
                "email", "lin@created.example"))).json().get("id").asText();
        assertThat(api.post("/api/leads/" + lead + "/convert", admin.accessToken(), null).status()).isEqualTo(200);
        String existing = api.post("/api/leads", admin.accessToken(), json(Map.of("name", "Ada's lead",
                "email", "ada@created.example"))).json().get("id").asText();

        // Ada, Bob and Lin are new; Ada's second row and the lead with her address find her
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(accepted(path)).hasSize(3));
        assertThat(api.post("/api/leads/" + existing + "/convert", admin.accessToken(), null).status())
                .isEqualTo(200);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(accepted(path)).hasSize(3));
        assertThat(accepted(path)).extracting(event -> PayloadJson.tree(event.getRequest().getBodyAsString())
                .path("data").path("contactId").asText()).doesNotHaveDuplicates().doesNotContain("");
    }

    @Test
    void updatesStatusChangesMessageStatusesMergesAndTicketChangesAreDeliveredWithTheirLatencyLogged() {
        Session admin = registerTenant();
        TestChannel channel = apiChannelOf(admin, false);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));
        String path = "/hooks/" + UUID.randomUUID();
        // the receiver takes its time, so the logged latency has something to show
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(204)
                .withFixedDelay(80)));
        String id = subscribe(admin, path, List.of("conversation.updated", "conversation.status_changed",
                "message.updated", "contact.merged", "ticket.updated")).json().get("id").asText();

        assertThat(client.postMessage(channel.channelId(), channel.secret(),
                "{\"messageId\":\"wh-u1\",\"sender\":{\"id\":\"updater\"},\"text\":\"hello\"}").statusCode())
                .isEqualTo(202);
        String conversation = await().atMost(Duration.ofSeconds(30)).until(() -> rows(
                "SELECT id FROM conversations WHERE tenant_id = :t", Map.of("t", admin.tenantId())),
                found -> found.size() == 1).get(0).get("id").toString();
        // the team answers (sent: message.updated), labels (conversation.updated) and resolves (both conversation
        // events); merges two contacts and changes a ticket
        JsonClient.Answer reply = api.post("/api/messages", admin.accessToken(), json(Map.of("conversationId",
                conversation, "text", "Hello!")));
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(201);
        assertThat(api.patch("/api/conversations/" + conversation, admin.accessToken(), json(Map.of("labels",
                List.of("vip")))).status()).isEqualTo(200);
        assertThat(api.patch("/api/conversations/" + conversation, admin.accessToken(), json(Map.of("status",
                "resolved"))).status()).isEqualTo(200);
        String kept = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Kept",
                "externalId", "kept-1"))).json().get("id").asText();
        String merged = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Merged",
                "externalId", "merged-1"))).json().get("id").asText();
        JsonClient.Answer merge = api.post("/api/contacts/" + kept + "/merge", admin.accessToken(),
                json(Map.of("mergeContactId", merged, "force", true)));
        assertThat(merge.status()).as(merge.raw().body()).isEqualTo(200);
        String ticket = api.post("/api/tickets", admin.accessToken(), json(Map.of("subject", "Broken",
                "contactId", kept))).json().get("id").asText();
        assertThat(api.patch("/api/tickets/" + ticket, admin.accessToken(), json(Map.of("priority", "high")))
                .status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(accepted(path).stream()
                .map(event -> event.getRequest().getHeader(ApiChannelHeaders.EVENT)).distinct())
                .containsExactlyInAnyOrder("conversation.updated", "conversation.status_changed", "message.updated",
                        "contact.merged", "ticket.updated"));
        Map<String, List<JsonNode>> byType = accepted(path).stream().map(event -> PayloadJson.tree(
                event.getRequest().getBodyAsString())).collect(Collectors.groupingBy(body -> body.get("type")
                .asText()));
        assertThat(byType.get("message.updated")).anySatisfy(body -> {
            assertThat(body.at("/data/messageId").asText()).isEqualTo(reply.json().get("id").asText());
            assertThat(body.at("/data/status").asText()).isEqualTo("sent");
        });
        assertThat(byType.get("conversation.updated")).allSatisfy(body ->
                assertThat(body.at("/data/conversationId").asText()).isEqualTo(conversation));
        assertThat(byType.get("conversation.status_changed")).anySatisfy(body -> {
            assertThat(body.at("/data/conversationId").asText()).isEqualTo(conversation);
            assertThat(body.at("/data/conversationStatus").asText()).isEqualTo("resolved");
        });
        assertThat(byType.get("contact.merged")).singleElement().satisfies(body -> {
            assertThat(body.at("/data/contactId").asText()).isEqualTo(kept);
            assertThat(body.at("/data/mergedContactId").asText()).isEqualTo(merged);
        });
        assertThat(byType.get("ticket.updated")).singleElement().satisfies(body ->
                assertThat(body.at("/data/ticketId").asText()).isEqualTo(ticket));

        // the log has each attempt's latency: the receiver's 80 ms delay at least
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.get(
                "/api/webhook-subscriptions/" + id + "/deliveries?limit=100", admin.accessToken()).json()
                .get("items")).hasSize(accepted(path).size()).allSatisfy(delivery -> {
                    assertThat(delivery.get("status").asText()).isEqualTo("delivered");
                    assertThat(delivery.get("log")).singleElement().satisfies(attempt -> {
                        assertThat(attempt.get("statusCode").asInt()).isEqualTo(204);
                        assertThat(attempt.get("latencyMs").asInt()).isBetween(80, 10_000);
                    });
                }));
    }

    @Test
    void aSubscriptionAWorkflowSendsToIsKeptUntilTheWorkflowLetsGoOfIt() {
        Session admin = registerTenant();
        String path = "/hooks/" + UUID.randomUUID();
        String subscription = subscribe(admin, path, List.of("ticket.created")).json().get("id").asText();
        JsonClient.Answer workflow = api.post("/api/workflows", admin.accessToken(), json(Map.of("name", "Notify CRM",
                "trigger", Map.of("type", "contact_created"),
                "actions", List.of(Map.of("type", "send_webhook", "subscriptionId", subscription)))));
        assertThat(workflow.status()).as(workflow.raw().body()).isEqualTo(201);

        JsonClient.Answer refused = api.delete("/api/webhook-subscriptions/" + subscription, admin.accessToken());
        assertThat(refused.status()).as(refused.raw().body()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).contains("\"Notify CRM\"");
        assertThat(api.get("/api/webhook-subscriptions/" + subscription, admin.accessToken()).status())
                .isEqualTo(200);

        assertThat(api.delete("/api/workflows/" + workflow.json().get("id").asText(), admin.accessToken())
                .status()).isEqualTo(204);
        assertThat(api.delete("/api/webhook-subscriptions/" + subscription, admin.accessToken()).status())
                .isEqualTo(204);
    }

    private JsonClient.Answer subscribe(Session admin, String path, List<String> types) {
        JsonClient.Answer answer = api.post("/api/webhook-subscriptions", admin.accessToken(), json(Map.of(
                "url", TENANT_SYSTEMS.baseUrl() + path, "eventTypes", types, "description", "test receiver")));
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(201);
        return answer;
    }

    private static List<ServeEvent> events(String path) {
        return TENANT_SYSTEMS.getAllServeEvents().stream()
                .filter(event -> event.getRequest().getUrl().equals(path)).toList();
    }

    private static List<ServeEvent> accepted(String path) {
        return events(path).stream().filter(event -> event.getResponse().getStatus() / 100 == 2).toList();
    }
}
