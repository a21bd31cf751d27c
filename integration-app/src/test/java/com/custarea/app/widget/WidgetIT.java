package com.custarea.app.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The chat widget's public API end to end: a session from an allowed page, a message through the pipeline, the
 * reply in the visitor's history; origins, tokens, identities and other visitors' conversations refused.
 */
class WidgetIT extends DashboardIntegrationTest {

    private static final String SHOP = "https://shop.example.com";

    private final HttpClient http = HttpClient.newHttpClient();

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

        JsonNode resumed = init(widget, SHOP, Map.of("visitorToken", token)).json();
        assertThat(resumed.get("visitorId").asText()).isEqualTo(session.get("visitorId").asText());
        assertThat(messages(widget, resumed.get("token").asText(), SHOP, null).json().get("items")).hasSize(2);
        assertThat(rows("SELECT page_url, user_agent FROM widget_visitors WHERE id = :id",
                Map.of("id", UUID.fromString(session.get("visitorId").asText())))).singleElement()
                .satisfies(row -> assertThat(row.get("page_url")).isEqualTo(SHOP + "/pricing"));
    }

    @Test
    void theVisitorsStreamNamesTheirNewMessagesAndNobodyElses() throws Exception {
        Widget widget = widget(Map.of("allowedDomains", "shop.example.com"));
        String mine = init(widget, SHOP, Map.of()).json().get("token").asText();
        String other = init(widget, SHOP, Map.of()).json().get("token").asText();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/api/widget/events?key=" + widget.key() + "&token=" + mine))
                .header("Origin", SHOP).GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> stream.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(send(widget, other, SHOP, "o-1", "someone else").statusCode()).isEqualTo(202);
            assertThat(send(widget, mine, SHOP, "m-1", "live please").statusCode()).isEqualTo(202);
            List<JsonNode> history = awaitHistory(widget, mine, 2);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(String.join("\n", lines))
                    .contains("event:message").contains(history.get(0).get("id").asText())
                    .contains(history.get(1).get("id").asText()));
            String otherMessage = awaitHistory(widget, other, 1).get(0).get("id").asText();
            assertThat(String.join("\n", lines)).doesNotContain(otherMessage).doesNotContain("someone else")
                    .doesNotContain("live please");
        } finally {
            stream.body().close();
        }

        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/widget/events?key=" + widget.key() + "&token=forged")).header("Origin", SHOP).GET().build(),
                HttpResponse.BodyHandlers.ofString());
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
        assertThat(api.get("/api/contacts/" + victim, widget.admin().accessToken()).json().get("attributes")
                .has("plan")).isFalse();
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

    private Widget widget(Map<String, String> settings) {
        Session admin = registerTenant();
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "widget",
                "name", "Website", "settings", settings, "aiAgentEnabled", true)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return new Widget(UUID.fromString(created.json().get("channel").get("id").asText()),
                created.json().get("generatedSecret").asText(), admin);
    }

    private JsonClient.Answer init(Widget widget, String origin, Map<String, Object> extra) throws Exception {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("widgetKey", widget.key().toString(),
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
        assertThat(PayloadJson.tree(stored)).isEqualTo(PayloadJson.tree("{\"plan\": \"team\", \"seats\": 5}"));

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
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<JsonNode> items = new java.util.ArrayList<>();
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
