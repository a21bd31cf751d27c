package com.custarea.app.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.custarea.app.demo.DemoPageController;
import com.custarea.app.demo.DemoTenantBootstrap;
import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.ai.kb.KnowledgeBase;
import com.custarea.routes.contacts.ContactResolver;
import com.custarea.routes.contacts.ContactService;
import com.custarea.routes.contacts.IdentifierNormaliser;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.widget.WidgetConversations;
import com.custarea.routes.widget.WidgetVisitors;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;
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
    void anAgentsTypingReachesTheVisitorsStreamOnlyAndIsRefusedForOtherTenantsAndBadBodies() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"), false);
        String mine = init(widget, SHOP, Map.of()).json().get("token").asText();
        String other = init(widget, SHOP, Map.of()).json().get("token").asText();
        assertThat(send(widget, mine, SHOP, "t-1", "anyone there?").statusCode()).isEqualTo(202);
        assertThat(send(widget, other, SHOP, "t-2", "hello?").statusCode()).isEqualTo(202);
        String conversation = awaitHistory(widget, mine, 1).get(0).get("conversationId").asText();
        awaitHistory(widget, other, 1);
        String typing = "/api/conversations/" + conversation + "/typing";
        Session agent = inviteAgent(widget.admin());
        try (VisitorStream stream = stream(widget, mine); VisitorStream otherStream = stream(widget, other);
             VisitorStream dashboard = dashboardStream(widget)) {
            assertThat(api.post(typing, agent.accessToken(), "{\"typing\":true}").status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(typingSignals(stream))
                    .containsExactly(conversation + ":true"));
            assertThat(api.post(typing, widget.admin().accessToken(), "{\"typing\":false}").status())
                    .isEqualTo(204);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(typingSignals(stream))
                    .containsExactly(conversation + ":true", conversation + ":false"));
            // one listener call writes to every stream of the tenant: the other visitor's had its chance
            assertThat(otherStream.text()).doesNotContain("typing");
            // typing is the widget's alone: a later event of the conversation reaches the dashboard, typing did not
            assertThat(api.patch("/api/conversations/" + conversation, agent.accessToken(),
                    "{\"labels\":[\"typed\"]}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dashboard.lines())
                    .contains("event:conversation.updated"));
            assertThat(dashboard.text()).doesNotContain("typing");
            assertThat(stream.text()).as("whether someone types, never who").doesNotContain(agent.email())
                    .doesNotContain(agent.userId().toString()).doesNotContain(widget.admin().userId().toString());
        }

        JsonClient.Answer foreign = api.post(typing, registerTenant().accessToken(), "{\"typing\":true}");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.header("Content-Type")).startsWith("application/problem+json");
        for (String bad : List.of("{\"typing\":\"yes\"}", "{}", "{\"typing\":true,\"who\":\"Ada\"}")) {
            JsonClient.Answer refused = api.post(typing, agent.accessToken(), bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.json().get("errors").isArray()).isTrue();
        }
    }

    @Test
    void theAiAgentsTypingReachesTheVisitorBeforeItsReply() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String token = init(widget, SHOP, Map.of()).json().get("token").asText();
        try (VisitorStream stream = stream(widget, token)) {
            assertThat(send(widget, token, SHOP, "ai-1", "Are you a bot?").statusCode()).isEqualTo(202);
            List<JsonNode> history = awaitHistory(widget, token, 2);
            String reply = history.get(1).get("id").asText();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(stream.lines())
                    .anySatisfy(line -> assertThat(line).contains(reply).contains("message.status_changed")));
            List<String> lines = List.copyOf(stream.lines());
            int typed = lines.indexOf("event:" + WidgetEventStreams.TYPING_EVENT);
            int replied = lines.indexOf(lines.stream().filter(line -> line.contains(reply)
                    && line.contains("message.status_changed")).findFirst().orElseThrow());
            assertThat(typed).as("a typing event").isNotNegative().isLessThan(replied);
            assertThat(typingSignals(stream)).containsExactly(history.get(0).get("conversationId").asText()
                    + ":true");
        }
    }

    /** The typing events a stream got, as conversationId:typing, in order. */
    private static List<String> typingSignals(VisitorStream stream) {
        List<String> lines = List.copyOf(stream.lines());
        List<String> signals = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals("event:" + WidgetEventStreams.TYPING_EVENT)) {
                JsonNode data = PayloadJson.tree(lines.get(i + 1).substring("data:".length()));
                assertThat(data.size()).as("the conversation and the flag, nothing else").isEqualTo(2);
                signals.add(data.get("conversationId").asText() + ":" + data.get("typing").asBoolean());
            }
        }
        return signals;
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
        String victim = newContact(widget, Map.of("name", "Victim", "email", "victim@example.com"));
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
    void aVerifiedUserNeverReadsTheThreadOfAVisitorWhoTypedItsAddress() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        // the site's user u-11 is a contact the team knows by e-mail too
        String contact = newContact(widget, Map.of("name", "Lee", "email", "lee@example.com", "externalId",
                WidgetConversations.USER_PREFIX + "u-11"));
        String verified = init(widget, SHOP, Map.of("user", Map.of("id", "u-11", "identityHash",
                hmac(widget.identitySecret(), "u-11")))).json().get("token").asText();
        assertThat(send(widget, verified, SHOP, "v-1", "signed in").statusCode()).isEqualTo(202);
        String own = awaitHistory(widget, verified, 2).get(0).get("conversationId").asText();

        try (VisitorStream verifiedStream = stream(widget, verified)) {
            // someone types Lee's address and writes: the message lands on Lee's contact, in its own thread
            String typist = init(widget, SHOP, Map.of("user", Map.of("email", "lee@example.com"))).json()
                    .get("token").asText();
            assertThat(send(widget, typist, SHOP, "t-1", "typed your address").statusCode()).isEqualTo(202);
            List<JsonNode> typed = awaitHistory(widget, typist, 2);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> messages(widget,
                    typist, SHOP, null).json().get("items").get(1).get("status").asText().equals("sent"));
            String typistsConversation = typed.get(0).get("conversationId").asText();
            assertThat(rows("SELECT contact_id::text AS contact FROM conversations WHERE id = :id", Map.of("id",
                    UUID.fromString(typistsConversation)))).singleElement()
                    .satisfies(row -> assertThat(row.get("contact")).isEqualTo(contact));
            assertThat(typistsConversation).isNotEqualTo(own);
            // the verified user's own next message shows on its stream, the typist's never did
            assertThat(send(widget, verified, SHOP, "v-2", "still me").statusCode()).isEqualTo(202);
            String myReply = awaitHistory(widget, verified, 4).get(3).get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> verifiedStream.text().contains(myReply));
            assertThat(verifiedStream.text()).doesNotContain(typed.get(0).get("id").asText())
                    .doesNotContain(typed.get(1).get("id").asText()).doesNotContain(typistsConversation);

            assertThat(messages(widget, verified, SHOP, null).json().get("items"))
                    .extracting(message -> message.get("conversationId").asText()).containsOnly(own);
            assertThat(messages(widget, verified, SHOP, typistsConversation).status()).isEqualTo(404);
            String laterSession = init(widget, SHOP, Map.of("user", Map.of("id", "u-11", "identityHash",
                    hmac(widget.identitySecret(), "u-11")))).json().get("token").asText();
            assertThat(messages(widget, laterSession, SHOP, null).json().get("items"))
                    .extracting(message -> message.get("text").asText()).doesNotContain("typed your address")
                    .contains("signed in");
        }
    }

    @Test
    void aVisitorWhoseProofLapsedFindsNoContactWithTheEMailItGaveWhileVerified() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String victim = newContact(widget, Map.of("name", "Victim", "email", "quinn@example.com"));
        // a signed-in user's e-mail is not checked: this one names someone else's
        JsonNode signedIn = init(widget, SHOP, Map.of("user", Map.of("id", "u-12", "identityHash",
                hmac(widget.identitySecret(), "u-12"), "email", "quinn@example.com"))).json();
        JsonClient.Answer rotation = api.patch("/api/channels/" + widget.key(), widget.admin().accessToken(),
                json(Map.of("secret", "rotated-" + UUID.randomUUID())));
        assertThat(rotation.status()).as(rotation.raw().body()).isEqualTo(200);
        JsonNode lapsed = init(widget, SHOP, Map.of("visitorToken", signedIn.get("token").asText())).json();
        assertThat(lapsed.get("visitorId").asText()).isEqualTo(signedIn.get("visitorId").asText());
        assertThat(lapsed.get("verified").asBoolean()).isFalse();
        String token = lapsed.get("token").asText();

        assertThat(send(widget, token, SHOP, "q-1", "whose contact am I?").statusCode()).isEqualTo(202);
        String conversation = awaitHistory(widget, token, 2).get(0).get("conversationId").asText();
        assertThat(rows("SELECT contact_id::text AS contact FROM conversations WHERE id = :id", Map.of("id",
                UUID.fromString(conversation)))).singleElement()
                .satisfies(row -> assertThat(row.get("contact")).isNotEqualTo(victim));
        assertThat(attributes(widget, token, SHOP, Map.of("plan", "lapsed")).statusCode()).isEqualTo(200);
        assertThat(attributes(victim, widget)).doesNotContainKey("widget_plan");
    }

    @Test
    void aVisitorWhoTypedAnEMailKeepsItsCustomAttributesOffThatContact() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String kim = newContact(widget, Map.of("name", "Kim", "email", "kim.b@example.com", "attributes",
                Map.of("widget_plan", "enterprise")));
        JsonNode session = init(widget, SHOP, Map.of("user", Map.of("email", "kim.b@example.com"))).json();
        String token = session.get("token").asText();
        UUID visitorId = UUID.fromString(session.get("visitorId").asText());

        // before the visitor writes, and after (when its visitor id is on Kim's contact)
        assertThat(attributes(widget, token, SHOP, Map.of("plan", "free")).statusCode()).isEqualTo(200);
        assertThat(send(widget, token, SHOP, "b-1", "hello").statusCode()).isEqualTo(202);
        awaitHistory(widget, token, 2);
        assertThat(rows("SELECT contact_id::text AS contact FROM contact_identifiers WHERE tenant_id = :t"
                + " AND type = 'visitor' AND value = :v", Map.of("t", widget.admin().tenantId(), "v",
                visitorId.toString()))).singleElement().satisfies(row -> assertThat(row.get("contact"))
                .isEqualTo(kim));
        assertThat(attributes(widget, token, SHOP, Map.of("seats", 3)).statusCode()).isEqualTo(200);
        assertThat(attributes(kim, widget)).containsEntry("widget_plan", "enterprise")
                .doesNotContainKey("widget_seats");
        assertThat(PayloadJson.tree(jdbc.queryForObject("SELECT attributes::text FROM widget_visitors"
                + " WHERE id = :id", Map.of("id", visitorId), String.class)))
                .isEqualTo(PayloadJson.tree("{\"plan\": \"free\", \"seats\": 3}"));

        // the visitor's own cap: 100 in all
        Map<String, Object> many = new LinkedHashMap<>();
        for (int i = 0; i < 48; i++) {
            many.put("k" + i, i);
        }
        assertThat(attributes(widget, token, SHOP, many).statusCode()).isEqualTo(200);
        many.clear();
        for (int i = 48; i < 98; i++) {
            many.put("k" + i, i);
        }
        assertThat(attributes(widget, token, SHOP, many).statusCode()).isEqualTo(200);
        HttpResponse<String> overCap = attributes(widget, token, SHOP, Map.of("oneMore", 1));
        assertThat(overCap.statusCode()).isEqualTo(422);
        assertThat(PayloadJson.tree(overCap.body()).get("errors").get(0).get("pointer").asText())
                .isEqualTo("/attributes");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM widget_visitors, jsonb_object_keys(attributes)"
                + " WHERE id = :id", Map.of("id", visitorId), Integer.class)).isEqualTo(100);
    }

    @Test
    void aBlankEMailIsNoEMailAndAVerifiedUsersIsNeverChecked() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        JsonClient.Answer verifiedBlank = init(widget, SHOP, Map.of("user", Map.of("id", "u-13", "identityHash",
                hmac(widget.identitySecret(), "u-13"), "email", "")));
        assertThat(verifiedBlank.status()).as(verifiedBlank.raw().body()).isEqualTo(200);
        assertThat(verifiedBlank.json().get("verified").asBoolean()).isTrue();
        JsonClient.Answer verifiedOdd = init(widget, SHOP, Map.of("user", Map.of("id", "u-13", "identityHash",
                hmac(widget.identitySecret(), "u-13"), "email", "not an address")));
        assertThat(verifiedOdd.status()).as(verifiedOdd.raw().body()).isEqualTo(200);
        assertThat(verifiedOdd.json().get("verified").asBoolean()).isTrue();

        JsonClient.Answer anonymousBlank = init(widget, SHOP, Map.of("user", Map.of("name", "", "email", " ")));
        assertThat(anonymousBlank.status()).as(anonymousBlank.raw().body()).isEqualTo(200);
        assertThat(rows("SELECT name, email FROM widget_visitors WHERE id = :id", Map.of("id", UUID.fromString(
                anonymousBlank.json().get("visitorId").asText())))).singleElement()
                .satisfies(row -> assertThat(row.get("name")).isNull())
                .satisfies(row -> assertThat(row.get("email")).isNull());
        JsonClient.Answer anonymousOdd = init(widget, SHOP, Map.of("user", Map.of("email", "not an address")));
        assertThat(anonymousOdd.status()).isEqualTo(400);
        assertThat(anonymousOdd.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/user/email");
    }

    @Test
    void anAnonymousVisitorsConversationFromBeforeVisitorThreadsJoinsItsThread() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String token = init(widget, SHOP, Map.of()).json().get("token").asText();
        assertThat(send(widget, token, SHOP, "o-1", "from before the upgrade").statusCode()).isEqualTo(202);
        UUID conversation = UUID.fromString(awaitHistory(widget, token, 2).get(0).get("conversationId").asText());
        String signedIn = init(widget, SHOP, Map.of("user", Map.of("id", "u-14", "identityHash",
                hmac(widget.identitySecret(), "u-14")))).json().get("token").asText();
        assertThat(send(widget, signedIn, SHOP, "o-2", "verified").statusCode()).isEqualTo(202);
        UUID verifiedConversation = UUID.fromString(awaitHistory(widget, signedIn, 2).get(0)
                .get("conversationId").asText());
        // as such a conversation was stored before visitors had threads of their own
        jdbc.update("UPDATE conversations SET provider_thread_id = NULL, thread_key = 'default' WHERE id = :id",
                Map.of("id", conversation));
        // and, open beside it, one an agent started from the dashboard (a thread key of its own)
        UUID manual = UUID.randomUUID();
        jdbc.update("INSERT INTO conversations SELECT (jsonb_populate_record(NULL::conversations, to_jsonb(c)"
                + " || jsonb_build_object('id', CAST(:manual AS text), 'thread_key', 'manual:' || :manual))).*"
                + " FROM conversations c WHERE c.id = :id", Map.of("id", conversation, "manual", manual.toString()));
        assertThat(messages(widget, token, SHOP, null).json().get("items")).isEmpty();

        // the upgrade's migration, once more: it changes only what it has not changed yet
        try (Connection connection = Objects.requireNonNull(jdbc.getJdbcTemplate().getDataSource())
                .getConnection()) {
            ScriptUtils.executeSqlScript(connection, new ClassPathResource(
                    "db/migration/V16__widget_visitor_threads.sql"));
        }

        assertThat(rows("SELECT thread_key, provider_thread_id FROM conversations WHERE id = :id",
                Map.of("id", manual))).singleElement().satisfies(row -> {
                    assertThat(row.get("thread_key")).as("only the threader's conversations move")
                            .isEqualTo("manual:" + manual);
                    assertThat(row.get("provider_thread_id")).isNull();
                });
        assertThat(messages(widget, token, SHOP, null).json().get("items"))
                .extracting(message -> message.get("text").asText())
                .containsExactly("from before the upgrade", "Echo: from before the upgrade");
        assertThat(send(widget, token, SHOP, "o-3", "after the upgrade").statusCode()).isEqualTo(202);
        assertThat(awaitHistory(widget, token, 4)).extracting(message -> message.get("conversationId").asText())
                .containsOnly(conversation.toString());
        assertThat(rows("SELECT provider_thread_id FROM conversations WHERE id = :id", Map.of("id",
                verifiedConversation))).singleElement().satisfies(row -> assertThat(row.get("provider_thread_id"))
                .as("a verified user's conversation is no visitor's thread").isNull());
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
    void readsAreRateLimitedPerVisitorAndAddressAndAStreamOpeningIsARead() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        JsonNode readerSession = init(widget, SHOP, Map.of()).json();
        String reader = readerSession.get("token").asText();
        String bystander = init(widget, SHOP, Map.of()).json().get("token").asText();
        // the suite lifts the widget's limits for the tests that poll; this API has low ones of its own
        WidgetApi limited = widgetApiWithReadLimits(6, 4);

        for (int i = 0; i < 3; i++) {
            assertThat(readHistory(limited, reader)).isEqualTo(200);
        }
        assertThat(limited.reader(reader, SHOP, "unknown").id().toString()).as("a stream opening, the 4th read")
                .isEqualTo(readerSession.get("visitorId").asText());
        ProblemException refused = catchThrowableOfType(() -> readHistory(limited, reader), ProblemException.class);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.slug()).isEqualTo("rate-limited");
        assertThat(refused.retryAfter()).isPositive();
        assertThat(catchThrowableOfType(() -> limited.reader(reader, SHOP, "unknown"), ProblemException.class)
                .status()).as("opening a stream is a read too").isEqualTo(429);
        // the address has made 6 reads so far
        assertThat(catchThrowableOfType(() -> readHistory(limited, bystander), ProblemException.class).status())
                .as("the address is over its limit").isEqualTo(429);
        assertThat(limited.reader(bystander, SHOP, "192.0.2.10").verified()).as("another address reads on")
                .isFalse();
    }

    @Test
    void aVisitorsNewStreamOverTheCapReplacesItsOldestOne() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String token = init(widget, SHOP, Map.of()).json().get("token").asText();
        List<VisitorStream> open = new ArrayList<>();
        try {
            // three streams, the cap; a reconnect after a network drop comes before the dead one is noticed
            for (int i = 0; i < 4; i++) {
                open.add(stream(widget, token));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> open.get(0).ended().get());
            assertThat(send(widget, token, SHOP, "n-1", "after the reconnect").statusCode()).isEqualTo(202);
            String stored = awaitHistory(widget, token, 1).get(0).get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> open.get(3).text().contains(stored));
            assertThat(open.subList(1, 4)).noneSatisfy(stream -> assertThat(stream.ended().get()).isTrue());
            assertThat(open.get(0).text()).doesNotContain(stored);
        } finally {
            open.forEach(VisitorStream::close);
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

    /** The widget API as the application makes it, with low read limits per address and per visitor. */
    private WidgetApi widgetApiWithReadLimits(int perAddress, int perVisitor) {
        return new WidgetApi(channels, context.getBean(WidgetIdentities.class), context.getBean(WidgetVisitors.class),
                context.getBean(WidgetConversations.class), context.getBean(WidgetTokens.class),
                context.getBean(EventPublisher.class), context.getBean(AiAgents.class),
                context.getBean(ContactResolver.class), context.getBean(ContactService.class),
                context.getBean(IdentifierNormaliser.class), 100_000, 100_000, 100_000, perAddress, perVisitor,
                Duration.ofMinutes(1), 100);
    }

    /** Reads the visitor's history through {@code widgetApi} as GET /api/widget/messages does: the status. */
    private int readHistory(WidgetApi widgetApi, String token) {
        Exchange exchange = new DefaultExchange(context.getBean(CamelContext.class));
        exchange.getMessage().setHeader("Authorization", "Bearer " + token);
        exchange.getMessage().setHeader("Origin", SHOP);
        widgetApi.messages(exchange);
        return exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    /** A contact the team made in the widget's tenant: its id. */
    private String newContact(Widget widget, Map<String, Object> fields) {
        JsonClient.Answer created = api.post("/api/contacts", widget.admin().accessToken(), json(fields));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return created.json().get("id").asText();
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
    private record VisitorStream(HttpResponse<Stream<String>> response, List<String> lines, AtomicBoolean ended)
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
        return open(events(widget, token));
    }

    /** The dashboard's live stream of the admin's tenant, read in the background. */
    private VisitorStream dashboardStream(Widget widget) throws Exception {
        return open(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events?access_token="
                + widget.admin().accessToken())).header("Accept", "text/event-stream").GET().build());
    }

    private VisitorStream open(HttpRequest request) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        AtomicBoolean ended = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (UncheckedIOException closed) {
                // the test closed the stream
            }
            ended.set(true);
        });
        reader.setDaemon(true);
        reader.start();
        return new VisitorStream(response, lines, ended);
    }

    private Widget widget(Map<String, String> settings) {
        return widget(settings, true);
    }

    private Widget widget(Map<String, String> settings, boolean aiAgent) {
        Session admin = registerTenant();
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "widget",
                "name", "Website", "settings", settings, "aiAgentEnabled", aiAgent)));
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
