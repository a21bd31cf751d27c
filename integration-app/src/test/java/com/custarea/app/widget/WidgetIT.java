package com.custarea.app.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.custarea.app.demo.DemoPageController;
import com.custarea.app.demo.DemoTenantBootstrap;
import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.ai.kb.KnowledgeBase;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;

/**
 * The chat widget's public API end to end: a session from an allowed page, a message through the pipeline, the
 * reply in the visitor's history; origins, tokens, identities and other visitors' conversations refused.
 */
class WidgetIT extends DashboardIntegrationTest {

    private static final String SHOP = "https://shop.example.com";

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    private ConfigurableApplicationContext context;

    private record Widget(UUID key, String identitySecret, Session admin) {
    }

    @Test
    void aVisitorChatsSeesTheReplyAndResumesTheSessionWithItsHistory() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com,*.example.org"));
        JsonNode session = init(widget, SHOP, Map.of()).json();
        String token = session.get("token").asText();
        assertThat(session.get("settings").get("greeting").asText()).isNotBlank();

        assertThat(send(widget, token, SHOP, "c-1", "Hello there").statusCode()).isEqualTo(202);
        // the widget resends after a network loss: the same message, stored once
        assertThat(send(widget, token, SHOP, "c-1", "Hello there").statusCode()).isEqualTo(202);

        List<JsonNode> history = awaitHistory(widget, token, 2);
        assertThat(history).extracting(message -> message.get("direction").asText() + ":"
                + message.get("text").asText()).containsExactly("inbound:Hello there", "outbound:Echo: Hello there");
        // a later message of the same visitor is handled after the resend (one sender, one partition): once its
        // reply is in, a stored duplicate would be too
        assertThat(send(widget, token, SHOP, "c-2", "Still there?").statusCode()).isEqualTo(202);
        awaitHistory(widget, token, 4);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM messages WHERE channel_id = :c AND direction = 'inbound'"
                + " AND provider_message_id = :id", Map.of("c", widget.key(), "id", session.get("visitorId").asText()
                + ":c-1"), Integer.class)).isEqualTo(1);
        // the widget's outbound stage reports each reply sent
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(600)).untilAsserted(() ->
                assertThat(messages(widget, token, SHOP, null).json().get("items")).filteredOn(message ->
                        message.get("direction").asText().equals("outbound")).hasSize(2)
                        .allSatisfy(reply -> assertThat(reply.get("status").asText()).isEqualTo("sent")));

        JsonNode resumed = init(widget, SHOP, Map.of("visitorToken", token)).json();
        assertThat(resumed.get("visitorId").asText()).isEqualTo(session.get("visitorId").asText());
        assertThat(messages(widget, resumed.get("token").asText(), SHOP, null).json().get("items")).hasSize(4);
        assertThat(rows("SELECT page_url, user_agent FROM widget_visitors WHERE id = :id",
                Map.of("id", UUID.fromString(session.get("visitorId").asText())))).singleElement()
                .satisfies(row -> assertThat(row.get("page_url")).isEqualTo(SHOP + "/pricing"));
    }

    @Test
    void theVisitorsStreamNamesTheirNewMessagesAndNobodyElses() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String mine = init(widget, SHOP, Map.of()).json().get("token").asText();
        String other = init(widget, SHOP, Map.of()).json().get("token").asText();
        try (VisitorStream stream = stream(widget, mine)) {
            List<String> lines = stream.lines();
            assertThat(send(widget, other, SHOP, "o-1", "someone else").statusCode()).isEqualTo(202);
            assertThat(send(widget, mine, SHOP, "m-1", "live please").statusCode()).isEqualTo(202);
            List<JsonNode> history = awaitHistory(widget, mine, 2);
            // the visitor's message once stored; the reply once the widget's outbound stage has sent it
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lines)
                    .anySatisfy(line -> assertThat(line).contains(history.get(0).get("id").asText())
                            .contains("message.created"))
                    .anySatisfy(line -> assertThat(line).contains(history.get(1).get("id").asText())
                            .contains("message.status_changed")));
            assertThat(lines).noneSatisfy(line -> assertThat(line).contains(history.get(1).get("id").asText())
                    .contains("message.created"));
            String otherMessage = awaitHistory(widget, other, 1).get(0).get("id").asText();
            assertThat(stream.text()).doesNotContain(otherMessage).doesNotContain("someone else")
                    .doesNotContain("live please");
        }

        HttpResponse<String> forged = http.send(events(widget, "forged"), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void onlyAllowedOriginsGetASessionOrCorsHeaders() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com,*.example.org"));

        assertThat(init(widget, "https://evil.example.net", Map.of()).status()).isEqualTo(403);
        assertThat(init(widget, "https://example.org", Map.of()).status()).as("*. means subdomains").isEqualTo(403);
        assertThat(init(widget, "https://help.example.org", Map.of()).status()).isEqualTo(200);
        JsonClient.Answer allowed = init(widget, SHOP, Map.of());
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
        assertThat(init(widget, "https://evil.example.net", Map.of()).header("Access-Control-Allow-Origin"))
                .isNull();

        assertThat(preflight(widget, SHOP).statusCode()).isEqualTo(204);
        assertThat(preflight(widget, SHOP).headers().firstValue("Access-Control-Allow-Origin")).contains(SHOP);
        assertThat(preflight(widget, "https://evil.example.net").statusCode()).isEqualTo(403);

        // a token from an allowed page is still refused from another page
        String token = allowed.json().get("token").asText();
        assertThat(send(widget, token, "https://evil.example.net", "x-1", "hi").statusCode()).isEqualTo(403);
    }

    @Test
    void widgetSettingsAreCheckedWhenSaved() {
        Session admin = registerTenant();
        JsonClient.Answer refused = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "widget",
                "name", "Website", "settings", Map.of("allowedDomains", "*.com", "color", "blue",
                        "preChatFields", "phone"))));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors")).extracting(error -> error.get("pointer").asText())
                .containsExactlyInAnyOrder("/settings/allowedDomains", "/settings/color", "/settings/preChatFields");
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        JsonClient.Answer patched = api.patch("/api/channels/" + widget.key(), widget.admin().accessToken(),
                json(Map.of("settings", Map.of("allowedDomains", "shop.example.com", "greeting", " "))));
        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/settings/greeting");
    }

    @Test
    void forgedOrForeignTokensAreRefused() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String token = init(widget, SHOP, Map.of()).json().get("token").asText();
        String[] parts = token.split("\\.");
        String unsigned = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        String tampered = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2) + "xx";

        assertThat(send(widget, unsigned, SHOP, "f-1", "hi").statusCode()).isEqualTo(401);
        assertThat(send(widget, tampered, SHOP, "f-2", "hi").statusCode()).isEqualTo(401);
        assertThat(send(widget, widget.admin().accessToken(), SHOP, "f-3", "hi").statusCode())
                .as("a dashboard token is not a visitor token").isEqualTo(401);
        assertThat(send(widget, null, SHOP, "f-4", "hi").statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM messages WHERE channel_id = :c", Map.of("c",
                widget.key()), Integer.class)).isZero();
    }

    @Test
    void identityIsVerifiedAndRequiredForEveryMessageWhenTheTenantSaysSo() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String unverified = init(widget, SHOP, Map.of()).json().get("token").asText();

        assertThat(init(widget, SHOP, Map.of("user", Map.of("id", "u-42", "identityHash", "0".repeat(64))))
                .status()).isEqualTo(403);
        JsonNode verified = init(widget, SHOP, Map.of("user", Map.of("id", "u-42", "identityHash",
                hmac(widget.identitySecret(), "u-42"), "name", "Ada", "email", "ada@example.com"))).json();
        assertThat(verified.get("verified").asBoolean()).isTrue();

        JsonClient.Answer required = api.patch("/api/channels/" + widget.key(), widget.admin().accessToken(),
                json(Map.of("settings", Map.of("allowedDomains", "shop.example.com", "requireIdentity", "true"))));
        assertThat(required.status()).as(required.raw().body()).isEqualTo(200);
        assertThat(send(widget, unverified, SHOP, "i-1", "still me?").statusCode())
                .as("refused for every message, not only at set-up").isEqualTo(403);
        assertThat(init(widget, SHOP, Map.of()).status()).isEqualTo(403);
        assertThat(send(widget, verified.get("token").asText(), SHOP, "i-2", "verified hello").statusCode())
                .isEqualTo(202);
    }

    @Test
    void anEMailSentWithAVerifiedIdentityClaimsNobodysContact() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        // the victim: a contact the team knows by e-mail
        String victim = api.post("/api/contacts", widget.admin().accessToken(), json(Map.of("name", "Victim",
                "email", "victim@example.com"))).json().get("id").asText();
        // a real user of the site, signed in as themselves, names the victim's address
        JsonNode attacker = init(widget, SHOP, Map.of("user", Map.of("id", "u-7", "identityHash",
                hmac(widget.identitySecret(), "u-7"), "email", "victim@example.com"))).json();
        String token = attacker.get("token").asText();
        assertThat(send(widget, token, SHOP, "e-1", "show me her orders").statusCode()).isEqualTo(202);
        awaitHistory(widget, token, 2);
        assertThat(attributes(widget, token, SHOP, Map.of("plan", "stolen")).statusCode()).isEqualTo(200);

        String attackersContact = jdbc.queryForObject("""
                SELECT contact_id::text FROM contact_identifiers
                WHERE tenant_id = :t AND type = 'visitor' AND value = :visitor
                """, Map.of("t", widget.admin().tenantId(), "visitor", attacker.get("visitorId").asText()),
                String.class);
        assertThat(attackersContact).isNotEqualTo(victim);
        JsonNode victimsAttributes = api.get("/api/contacts/" + victim, widget.admin().accessToken()).json()
                .get("attributes");
        assertThat(victimsAttributes.has("plan")).isFalse();
        assertThat(victimsAttributes.has("widget_plan")).isFalse();
    }

    @Test
    void aVisitorNeverSeesAnotherVisitorsConversation() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String first = init(widget, SHOP, Map.of()).json().get("token").asText();
        String second = init(widget, SHOP, Map.of()).json().get("token").asText();
        assertThat(send(widget, first, SHOP, "p-1", "private question").statusCode()).isEqualTo(202);
        String conversation = awaitHistory(widget, first, 1).get(0).get("conversationId").asText();

        assertThat(messages(widget, second, SHOP, conversation).status()).isEqualTo(404);
        assertThat(messages(widget, second, SHOP, null).json().get("items")).isEmpty();
        assertThat(messages(widget, first, SHOP, conversation).status()).isEqualTo(200);
    }

    @Test
    void aPreChatEMailLandsOnThatContactButShowsOnlyTheVisitorsOwnConversations() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        // Kim wrote in through the API channel with her e-mail
        TestChannel shopApi = apiChannelOf(widget.admin(), false);
        assertThat(client.postMessage(shopApi.channelId(), shopApi.secret(), json(Map.of("messageId", "api-1",
                "sender", Map.of("email", "kim@example.com"), "text", "my order by the API"))).statusCode())
                .isEqualTo(202);
        UUID kim = await().atMost(Duration.ofSeconds(60)).until(() -> rows("""
                SELECT contact_id FROM contact_identifiers WHERE tenant_id = :t AND type = 'email' AND value = :v
                """, Map.of("t", widget.admin().tenantId(), "v", "kim@example.com")).stream()
                .map(row -> (UUID) row.get("contact_id")).findFirst().orElse(null), Objects::nonNull);

        assertThat(init(widget, SHOP, Map.of("user", Map.of("email", "kim@localhost"))).status())
                .as("an address no channel could match").isEqualTo(400);
        // two visitors type her address in the pre-chat form (the second in capitals)
        JsonNode first = init(widget, SHOP, Map.of("user", Map.of("name", "Kim", "email", "kim@example.com")))
                .json();
        JsonNode second = init(widget, SHOP, Map.of("user", Map.of("email", "KIM@Example.com"))).json();
        String firstToken = first.get("token").asText();
        String secondToken = second.get("token").asText();
        assertThat(send(widget, firstToken, SHOP, "k-1", "first visitor asks").statusCode()).isEqualTo(202);
        List<JsonNode> firstHistory = awaitHistory(widget, firstToken, 2);

        try (VisitorStream secondsStream = stream(widget, secondToken)) {
            assertThat(send(widget, firstToken, SHOP, "k-2", "first visitor again").statusCode()).isEqualTo(202);
            awaitHistory(widget, firstToken, 4);
            assertThat(send(widget, secondToken, SHOP, "s-1", "second visitor asks").statusCode()).isEqualTo(202);
            List<JsonNode> secondHistory = awaitHistory(widget, secondToken, 2);
            String secondsReply = secondHistory.get(1).get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> secondsStream.text().contains(secondsReply));

            assertThat(secondHistory).extracting(message -> message.get("text").asText())
                    .containsExactly("second visitor asks", "Echo: second visitor asks");
            assertThat(messages(widget, firstToken, SHOP, null).json().get("items"))
                    .extracting(message -> message.get("text").asText()).containsExactly("first visitor asks",
                            "Echo: first visitor asks", "first visitor again", "Echo: first visitor again");
            // the stream named the second visitor's messages only
            List<JsonNode> firstsNow = awaitHistory(widget, firstToken, 4);
            assertThat(secondsStream.text()).doesNotContain(firstsNow.get(2).get("id").asText())
                    .doesNotContain(firstsNow.get(3).get("id").asText())
                    .doesNotContain(firstHistory.get(0).get("conversationId").asText());
            assertThat(messages(widget, secondToken, SHOP, firstHistory.get(0).get("conversationId").asText())
                    .status()).isEqualTo(404);

            // both are Kim, in conversations of their own on the widget
            List<Map<String, Object>> conversations = rows("""
                    SELECT id, contact_id FROM conversations WHERE tenant_id = :t AND channel_id = :w
                    """, Map.of("t", widget.admin().tenantId(), "w", widget.key()));
            assertThat(conversations).hasSize(2).allSatisfy(row -> assertThat(row.get("contact_id")).isEqualTo(kim));
            assertThat(conversations).extracting(row -> row.get("id").toString()).containsExactlyInAnyOrder(
                    firstHistory.get(0).get("conversationId").asText(), secondHistory.get(0).get("conversationId")
                            .asText());
        }
        JsonNode contact = api.get("/api/contacts/" + kim, widget.admin().accessToken()).json();
        assertThat(contact.toString()).contains(first.get("visitorId").asText())
                .contains(second.get("visitorId").asText());
    }

    @Test
    void aVerifiedUserReadsItsContactsWidgetHistoryFromAnyBrowser() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        Map<String, Object> user = Map.of("user", Map.of("id", "u-9", "identityHash",
                hmac(widget.identitySecret(), "u-9")));
        String laptop = init(widget, SHOP, user).json().get("token").asText();
        assertThat(send(widget, laptop, SHOP, "l-1", "from my laptop").statusCode()).isEqualTo(202);
        awaitHistory(widget, laptop, 2);

        JsonNode phone = init(widget, SHOP, user).json();
        assertThat(phone.get("verified").asBoolean()).isTrue();
        assertThat(messages(widget, phone.get("token").asText(), SHOP, null).json().get("items"))
                .extracting(message -> message.get("text").asText())
                .containsExactly("from my laptop", "Echo: from my laptop");
    }

    @Test
    void aVerifiedVisitorResumesVerifiedUntilTheSecretRotatesOrIdentityIsRequired() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        JsonNode signedIn = init(widget, SHOP, Map.of("user", Map.of("id", "u-5", "identityHash",
                hmac(widget.identitySecret(), "u-5")))).json();
        String visitorId = signedIn.get("visitorId").asText();

        JsonNode resumed = init(widget, SHOP, Map.of("visitorToken", signedIn.get("token").asText())).json();
        assertThat(resumed.get("visitorId").asText()).isEqualTo(visitorId);
        assertThat(resumed.get("verified").asBoolean()).as("no hash needed within the window").isTrue();
        assertThat(init(widget, SHOP, Map.of("visitorToken", resumed.get("token").asText(), "user", Map.of(
                "id", "u-5", "identityHash", hmac("not the secret", "u-5")))).status())
                .as("a user id on resume is checked afresh").isEqualTo(403);

        String rotated = "rotated-" + UUID.randomUUID();
        JsonClient.Answer rotation = api.patch("/api/channels/" + widget.key(), widget.admin().accessToken(),
                json(Map.of("secret", rotated)));
        assertThat(rotation.status()).as(rotation.raw().body()).isEqualTo(200);
        JsonNode afterRotation = init(widget, SHOP, Map.of("visitorToken", resumed.get("token").asText())).json();
        assertThat(afterRotation.get("visitorId").asText()).isEqualTo(visitorId);
        assertThat(afterRotation.get("verified").asBoolean()).as("a rotated secret voids the proof").isFalse();
        JsonNode fresh = init(widget, SHOP, Map.of("visitorToken", afterRotation.get("token").asText(), "user",
                Map.of("id", "u-5", "identityHash", hmac(rotated, "u-5")))).json();
        assertThat(fresh.get("visitorId").asText()).isEqualTo(visitorId);
        assertThat(fresh.get("verified").asBoolean()).isTrue();

        JsonClient.Answer required = api.patch("/api/channels/" + widget.key(), widget.admin().accessToken(),
                json(Map.of("settings", Map.of("allowedDomains", "shop.example.com", "requireIdentity", "true"))));
        assertThat(required.status()).as(required.raw().body()).isEqualTo(200);
        JsonClient.Answer withoutHash = init(widget, SHOP, Map.of("visitorToken", fresh.get("token").asText()));
        assertThat(withoutHash.status()).as("identity required: every session starts with a hash").isEqualTo(403);
        assertThat(withoutHash.json().get("type").asText()).endsWith("identity-required");
        assertThat(send(widget, fresh.get("token").asText(), SHOP, "r-1", "still verified").statusCode())
                .as("the proof of a live token still holds").isEqualTo(202);
        assertThat(init(widget, SHOP, Map.of("visitorToken", fresh.get("token").asText(), "user", Map.of("id",
                "u-5", "identityHash", hmac(rotated, "u-5")))).status()).isEqualTo(200);
    }

    @Test
    void readsAreRateLimitedPerVisitorAndOpenStreamsCapped() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String reader = init(widget, SHOP, Map.of()).json().get("token").asText();
        String bystander = init(widget, SHOP, Map.of()).json().get("token").asText();
        JsonClient.Answer limited = null;
        for (int i = 0; i < 200 && limited == null; i++) {
            JsonClient.Answer answer = messages(widget, reader, SHOP, null);
            if (answer.status() != 200) {
                limited = answer;
            }
        }
        assertThat(limited).as("no 429 in 200 reads").isNotNull();
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
        assertThat(limited.json().get("type").asText()).endsWith("rate-limited");
        HttpResponse<String> stream = http.send(events(widget, reader), HttpResponse.BodyHandlers.ofString());
        assertThat(stream.statusCode()).as("opening a stream is a read too").isEqualTo(429);
        assertThat(messages(widget, bystander, SHOP, null).status()).as("another visitor reads on").isEqualTo(200);

        List<VisitorStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(stream(widget, bystander));
            }
            HttpResponse<String> fourth = http.send(events(widget, bystander), HttpResponse.BodyHandlers.ofString());
            assertThat(fourth.statusCode()).isEqualTo(429);
            assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
            assertThat(fourth.body()).contains("too-many-streams");
        } finally {
            for (VisitorStream each : open) {
                each.close();
            }
        }
    }

    @Test
    void customAttributesAreCappedAndNeverReplaceTheTenantsOwn() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        JsonNode session = init(widget, SHOP, Map.of()).json();
        String token = session.get("token").asText();
        assertThat(attributes(widget, token, SHOP, Map.of("plan", "pro")).statusCode()).isEqualTo(200);
        String contact = jdbc.queryForObject("""
                SELECT contact_id::text FROM contact_identifiers WHERE tenant_id = :t AND type = 'visitor'
                  AND value = :v
                """, Map.of("t", widget.admin().tenantId(), "v", session.get("visitorId").asText()), String.class);
        JsonClient.Answer tenantSets = api.patch("/api/contacts/" + contact, widget.admin().accessToken(),
                json(Map.of("attributes", Map.of("plan", "enterprise"))));
        assertThat(tenantSets.status()).as(tenantSets.raw().body()).isEqualTo(200);
        assertThat(attributes(widget, token, SHOP, Map.of("plan", "free")).statusCode()).isEqualTo(200);
        assertThat(attributes(contact, widget)).containsEntry("plan", "enterprise").containsEntry("widget_plan",
                "free");

        // the schema's caps: 50 keys and 1,000 characters a call
        Map<String, Object> fiftyOne = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            fiftyOne.put("k" + i, i);
        }
        HttpResponse<String> tooManyAtOnce = attributes(widget, token, SHOP, fiftyOne);
        assertThat(tooManyAtOnce.statusCode()).isEqualTo(400);
        assertThat(tooManyAtOnce.body()).contains("attributes");
        assertThat(attributes(widget, token, SHOP, Map.of("note", "x".repeat(1001))).statusCode()).isEqualTo(400);
        assertThat(attributes(widget, token, SHOP, Map.of("note", "x".repeat(1000))).statusCode()).isEqualTo(200);

        // the cap on what the widget holds on a contact: 100 keys in all
        for (String prefix : List.of("a", "b")) {
            Map<String, Object> batch = new LinkedHashMap<>();
            for (int i = 0; i < (prefix.equals("a") ? 50 : 48); i++) {
                batch.put(prefix + i, i);
            }
            assertThat(attributes(widget, token, SHOP, batch).statusCode()).isEqualTo(200);
        }
        assertThat(attributes(contact, widget).keySet().stream().filter(key -> key.startsWith("widget_")))
                .hasSize(100);
        HttpResponse<String> overCap = attributes(widget, token, SHOP, Map.of("oneMore", 1));
        assertThat(overCap.statusCode()).isEqualTo(422);
        assertThat(overCap.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(PayloadJson.tree(overCap.body()).get("errors").get(0).get("pointer").asText())
                .isEqualTo("/attributes");
        assertThat(attributes(contact, widget)).doesNotContainKey("widget_oneMore");
        // a null removes a key, and makes room
        Map<String, Object> remove = new HashMap<>();
        remove.put("note", null);
        assertThat(attributes(widget, token, SHOP, remove).statusCode()).isEqualTo(200);
        assertThat(attributes(widget, token, SHOP, Map.of("oneMore", 1)).statusCode()).isEqualTo(200);
        assertThat(attributes(contact, widget)).doesNotContainKey("widget_note").containsKey("widget_oneMore")
                .containsEntry("plan", "enterprise");
    }

    @Test
    void initAnswersTheWidgetsLookAndTracksWhereTheVisitorWas() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com", "color", "#aa3300",
                "greeting", "Welcome to the shop!", "preChatFields", "name,email"));
        // the team is in on one day only, two days from now: the panel says when it is back
        DayOfWeek openDay = LocalDate.now(ZoneOffset.UTC).plusDays(2).getDayOfWeek();
        String day = openDay.getDisplayName(TextStyle.SHORT, Locale.ENGLISH)
                .toLowerCase(Locale.ROOT);
        JsonClient.Answer agent = api.post("/api/ai-agent", widget.admin().accessToken(), json(Map.of("name",
                "Shop assistant", "channelIds", List.of(widget.key().toString()), "businessHours", Map.of(
                        "timezone", "UTC", "days", Map.of(day, List.of("09:00", "10:00"))))));
        assertThat(agent.status()).as(agent.raw().body()).isIn(200, 201);

        HttpResponse<String> first = http.send(request("/api/widget/init?key=" + widget.key(), SHOP, null)
                .header("User-Agent", "WidgetIT/1.0").POST(HttpRequest.BodyPublishers.ofString(json(Map.of(
                        "widgetKey", widget.key().toString(), "page", Map.of("url", SHOP + "/mugs",
                                "referrer", "https://search.example/?q=mugs"))))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode settings = PayloadJson.tree(first.body()).get("settings");
        assertThat(settings.get("color").asText()).isEqualTo("#aa3300");
        assertThat(settings.get("greeting").asText()).isEqualTo("Welcome to the shop!");
        assertThat(settings.get("preChatFields")).extracting(JsonNode::asText).containsExactly("name", "email");
        assertThat(settings.get("replyTime").asText()).isEqualTo("Our team is away right now and back on "
                + openDay.getDisplayName(TextStyle.FULL, Locale.ENGLISH)
                + " at 09:00 (UTC).");

        String visitorId = PayloadJson.tree(first.body()).get("visitorId").asText();
        Map<String, Object> seen = visitorRow(visitorId);
        assertThat(seen).containsEntry("page_url", SHOP + "/mugs")
                .containsEntry("referrer", "https://search.example/?q=mugs").containsEntry("user_agent",
                        "WidgetIT/1.0");
        init(widget, SHOP, Map.of("visitorToken", PayloadJson.tree(first.body()).get("token").asText()));
        Map<String, Object> again = visitorRow(visitorId);
        assertThat(again.get("page_url")).isEqualTo(SHOP + "/pricing");
        assertThat(again.get("first_seen")).isEqualTo(seen.get("first_seen"));
        assertThat(((Timestamp) again.get("last_seen")).toInstant())
                .isAfter(((Timestamp) seen.get("last_seen")).toInstant());
    }

    @Test
    void aMessageOverFiveThousandCharactersIsRefusedAndNotStored() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String token = init(widget, SHOP, Map.of()).json().get("token").asText();
        HttpResponse<String> refused = send(widget, token, SHOP, "long-1", "x".repeat(5001));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("text");
        assertThat(send(widget, token, SHOP, "short-1", "a short one").statusCode()).isEqualTo(202);
        assertThat(awaitHistory(widget, token, 2)).extracting(message -> message.get("text").asText())
                .containsExactly("a short one", "Echo: a short one");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM messages WHERE channel_id = :c AND direction = 'inbound'",
                Map.of("c", widget.key()), Integer.class)).isEqualTo(1);
    }

    @Test
    void theDemoPageWithoutAKeyEmbedsTheDemoTenantsWidget() throws Exception {
        // the suite runs without the demo tenant: this bootstrap makes it, as a start with the demo enabled does
        Path dataDir = Files.createTempDirectory("custarea-demo");
        DemoTenantBootstrap bootstrap = new DemoTenantBootstrap(
                tenants, channels, context.getBean(AiAgents.class),
                context.getBean(KnowledgeBase.class), dataDir.toString(), "",
                "127.0.0.1");
        bootstrap.onReady(new ApplicationReadyEvent(
                new SpringApplication(), new String[0], context, Duration.ZERO));
        UUID demoKey = bootstrap.demoTenant().orElseThrow().widgetKey();
        StaticListableBeanFactory demoOnly =
                new StaticListableBeanFactory(Map.of("demo", bootstrap));
        ResponseEntity<String> page = new DemoPageController(
                demoOnly.getBeanProvider(DemoTenantBootstrap.class)).page(null);

        assertThat(page.getStatusCode().value()).isEqualTo(200);
        assertThat(page.getBody()).contains("<script src=\"/widget.js\" data-widget-key=\"" + demoKey + "\"");
        // and the demo widget works from this host
        HttpResponse<String> session = http.send(request("/api/widget/init?key=" + demoKey, "http://127.0.0.1:"
                + port, null).POST(HttpRequest.BodyPublishers.ofString(json(Map.of("widgetKey",
                demoKey.toString())))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        assertThat(PayloadJson.tree(session.body()).get("settings").get("greeting").asText())
                .contains("orders, returns or shipping");
    }

    private Map<String, Object> visitorRow(String visitorId) {
        return rows("SELECT page_url, referrer, user_agent, first_seen, last_seen FROM widget_visitors WHERE id = :id",
                Map.of("id", UUID.fromString(visitorId))).get(0);
    }

    private Map<String, Object> attributes(String contactId, Widget widget) {
        return PayloadJson.mapper().convertValue(api.get("/api/contacts/" + contactId, widget.admin().accessToken())
                .json().get("attributes"), new TypeReference<>() { });
    }

    /** A visitor's open event stream, read in the background. */
    private record VisitorStream(HttpResponse<Stream<String>> response, List<String> lines)
            implements AutoCloseable {

        String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    private HttpRequest events(Widget widget, String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/widget/events?key="
                + widget.key() + "&token=" + token)).header("Origin", SHOP).GET().build();
    }

    private VisitorStream stream(Widget widget, String token) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> response = http.send(events(widget, token), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (UncheckedIOException closed) {
                // the test closed the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new VisitorStream(response, lines);
    }

    private Widget widget(Map<String, String> settings) {
        Session admin = registerTenant();
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "widget",
                "name", "Website", "settings", settings, "aiAgentEnabled", true)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return new Widget(UUID.fromString(created.json().get("channel").get("id").asText()),
                created.json().get("generatedSecret").asText(), admin);
    }

    private JsonClient.Answer init(Widget widget, String origin, Map<String, Object> extra) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("widgetKey", widget.key().toString(),
                "page", Map.of("url", SHOP + "/pricing", "referrer", "https://search.example")));
        body.putAll(extra);
        HttpResponse<String> response = http.send(request("/api/widget/init?key=" + widget.key(), origin, null)
                .POST(HttpRequest.BodyPublishers.ofString(json(body))).build(), HttpResponse.BodyHandlers.ofString());
        return new JsonClient.Answer(response.statusCode(), response, response.body().isBlank()
                ? PayloadJson.tree("{}") : PayloadJson.tree(response.body()));
    }

    @Test
    void aSameOriginPageReadsWithoutAnOriginHeaderAndAddsCustomAttributesToTheContact() throws Exception {
        String self = "http://127.0.0.1:" + port;
        Widget widget = widget(Map.of("allowedDomains", "127.0.0.1"));
        JsonNode session = init(widget, self, Map.of()).json();
        String token = session.get("token").asText();

        // a browser's same-origin GET (the /demo page's) has no Origin; Sec-Fetch-Site vouches for it
        assertThat(sameOriginGet(widget, token, "same-origin").statusCode()).isEqualTo(200);
        assertThat(sameOriginGet(widget, token, "cross-site").statusCode()).isEqualTo(403);
        assertThat(sameOriginGet(widget, token, null).statusCode()).isEqualTo(403);

        assertThat(attributes(widget, token, self, Map.of("plan", "pro", "seats", 5)).statusCode()).isEqualTo(200);
        assertThat(attributes(widget, token, self, Map.of("plan", "team")).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = attributes(widget, token, self, Map.of("1 bad key", "x"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("attributes");
        assertThat(attributes(widget, "forged", self, Map.of("plan", "free")).statusCode()).isEqualTo(401);
        String stored = jdbc.queryForObject("""
                SELECT c.attributes::text FROM contacts c
                JOIN contact_identifiers i ON i.contact_id = c.id AND i.tenant_id = c.tenant_id
                WHERE i.tenant_id = :t AND i.type = 'visitor' AND i.value = :visitor
                """, Map.of("t", widget.admin().tenantId(), "visitor", session.get("visitorId").asText()),
                String.class);
        assertThat(PayloadJson.tree(stored)).isEqualTo(PayloadJson.tree(
                "{\"widget_plan\": \"team\", \"widget_seats\": 5}"));

        // the visitor's first message lands on the contact the attributes made
        assertThat(send(widget, token, self, "a-1", "hello").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(jdbc.queryForObject("""
                SELECT count(DISTINCT c.contact_id) FROM conversations c WHERE c.tenant_id = :t AND c.channel_id = :w
                  AND c.contact_id IN (SELECT contact_id FROM contact_identifiers WHERE tenant_id = :t
                                       AND type = 'visitor' AND value = :visitor)
                """, Map.of("t", widget.admin().tenantId(), "w", widget.key(), "visitor",
                session.get("visitorId").asText()), Integer.class)).isEqualTo(1));
    }

    @Test
    void theDemoPageEmbedsTheNamedWidgetAndTheScriptIsServed() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "127.0.0.1"));
        HttpResponse<String> page = get("/demo?key=" + widget.key());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("<script src=\"/widget.js\" data-widget-key=\"" + widget.key() + "\"");
        assertThat(get("/demo?key=%3Cscript%3E").statusCode()).isEqualTo(400);
        assertThat(get("/demo").statusCode()).as("no demo tenant in the tests").isEqualTo(404);

        HttpResponse<String> script = get("/widget.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).contains("javascript"));
        assertThat(script.body()).contains("attachShadow").contains("setCustomAttributes");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> sameOriginGet(Widget widget, String token, String fetchSite) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/widget/messages?key=" + widget.key())).header("Authorization", "Bearer " + token).GET();
        if (fetchSite != null) {
            request.header("Sec-Fetch-Site", fetchSite);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> attributes(Widget widget, String token, String origin, Map<String, Object> values)
            throws Exception {
        return http.send(request("/api/widget/attributes?key=" + widget.key(), origin, token)
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("attributes", values)))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(Widget widget, String token, String origin, String clientId, String text)
            throws Exception {
        return http.send(request("/api/widget/message?key=" + widget.key(), origin, token)
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("text", text, "clientMessageId", clientId))))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonClient.Answer messages(Widget widget, String token, String origin, String conversationId)
            throws Exception {
        HttpResponse<String> response = http.send(request("/api/widget/messages?key=" + widget.key()
                + (conversationId == null ? "" : "&conversationId=" + conversationId), origin, token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonClient.Answer(response.statusCode(), response, PayloadJson.tree(response.body()));
    }

    private HttpResponse<String> preflight(Widget widget, String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/widget/message?key="
                        + widget.key())).header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String origin, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Origin", origin);
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private List<JsonNode> awaitHistory(Widget widget, String token, int count) {
        // polled gently: a visitor's reads are rate-limited
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(600)).until(() -> {
            List<JsonNode> items = new ArrayList<>();
            messages(widget, token, SHOP, null).json().get("items").forEach(items::add);
            return items;
        }, items -> items.size() >= count);
    }

    private static String hmac(String secret, String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }
}
