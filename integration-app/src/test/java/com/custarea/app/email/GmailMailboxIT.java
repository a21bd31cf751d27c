package com.custarea.app.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.EmailFakes;
import com.custarea.app.support.JsonClient;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Gmail mailbox end to end: connected through Google's consent (state and PKCE, the refresh token stored sealed,
 * the watch started), mail announced by a Pub/Sub push whose OIDC token is verified, read from the history, and
 * answered through users.messages.send in the same Gmail thread; a revoked grant marks the account.
 */
class GmailMailboxIT extends DashboardIntegrationTest {

    private static final String FIRST_CONTACT_ID = "<000001dc5b22$5e8f1b20$1bad5160$@customer.test>";

    private final HttpClient http = HttpClient.newHttpClient();
    private Session admin;
    private String address;
    private String refreshToken;

    @BeforeEach
    void consent() throws Exception {
        EmailFakes.stubProviders(TENANT_SYSTEMS);
        admin = registerTenant();
        address = "support-" + UUID.randomUUID() + "@gmail.test";
        refreshToken = "1//refresh-" + UUID.randomUUID();
        String code = "code-" + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo("/google/token")).withRequestBody(containing("code=" + code))
                .willReturn(okJson(PayloadJson.write(Map.of("access_token", "ya29.first-" + UUID.randomUUID(),
                        "expires_in", 3599, "refresh_token", refreshToken, "scope", "openid email",
                        "token_type", "Bearer", "id_token", idToken(address))))));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo("/google/token"))
                .withRequestBody(containing("refresh_token=" + refreshToken.replace("/", "%2F")))
                .willReturn(okJson(PayloadJson.write(Map.of("access_token", "ya29.refreshed-" + address,
                        "expires_in", 3599, "token_type", "Bearer")))));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo("/gmail/gmail/v1/users/me/watch"))
                .withHeader("Authorization", containing(address).or(containing("ya29.first")))
                .willReturn(okJson("{\"historyId\": \"100\", \"expiration\": \""
                        + Instant.now().plus(Duration.ofDays(7)).toEpochMilli() + "\"}")));

        JsonClient.Answer auth = api.get("/api/settings/email/gmail/auth", admin.accessToken());
        assertThat(auth.status()).as(auth.raw().body()).isEqualTo(200);
        URI consentUrl = URI.create(auth.json().get("url").asText());
        Map<String, String> query = Arrays.stream(consentUrl.getRawQuery().split("&")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
        assertThat(query).containsEntry("code_challenge_method", "S256").containsEntry("access_type", "offline")
                .containsKeys("state", "code_challenge");

        JsonClient.Answer tampered = api.get("/oauth/google?state=" + query.get("state") + "x&code=" + code, null);
        assertThat(tampered.status()).isEqualTo(400);
        JsonClient.Answer connected = api.get("/oauth/google?state=" + query.get("state") + "&code=" + code, null);
        assertThat(connected.status()).as(connected.raw().body()).isEqualTo(200);
        assertThat(connected.json().get("address").asText()).isEqualTo(address);
        assertThat(connected.raw().body()).doesNotContain(refreshToken);
        TENANT_SYSTEMS.verify(postRequestedFor(urlPathEqualTo("/google/token"))
                .withRequestBody(containing("code_verifier=")).withRequestBody(containing("code=" + code)));
        String sealed = jdbc.queryForObject("SELECT secret_ciphertext FROM channels WHERE id = :id",
                Map.of("id", UUID.fromString(connected.json().get("id").asText())), String.class);
        assertThat(sealed).isNotBlank().doesNotContain(refreshToken).doesNotContain("refresh-");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT sync_cursor FROM email_accounts WHERE address = :a", Map.of("a", address), String.class),
                "100"::equals);
        JsonClient.Answer agent = api.put("/api/agent-deployments/" + connected.json().get("id").asText(),
                admin.accessToken(), "{\"enabled\": true}");
        assertThat(agent.status()).as(agent.raw().body()).isEqualTo(200);
    }

    @Test
    void aPushedMailIsReadFromTheHistoryAndAnsweredInItsGmailThread() throws Exception {
        stubHistoryFrom100();
        stubMessageAndSend();

        assertThat(push("Bearer " + EmailFakes.pushToken("https://someone-else.example")).statusCode())
                .isEqualTo(403);
        assertThat(push("Bearer " + EmailFakes.pushToken(EmailFakes.PUSH_AUDIENCE)).statusCode()).isEqualTo(204);

        assertAnsweredInThread();
        assertThat(jdbc.queryForObject("SELECT sync_cursor FROM email_accounts WHERE address = :a",
                Map.of("a", address), String.class)).isEqualTo("200");
    }

    @Test
    void aHistoryIdGmailNoLongerKeepsReadsTheLastWeekOfTheInboxAgain() throws Exception {
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo("/gmail/gmail/v1/users/me/history"))
                .withHeader("Authorization", equalTo(bearer()))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": {\"code\": 404, \"message\": \"Requested entity was not found.\","
                                + " \"errors\": [{\"reason\": \"notFound\"}]}}")));
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo("/gmail/gmail/v1/users/me/profile"))
                .withHeader("Authorization", equalTo(bearer()))
                .willReturn(okJson("{\"emailAddress\": \"" + address + "\", \"historyId\": \"900\"}")));
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo("/gmail/gmail/v1/users/me/messages"))
                .withHeader("Authorization", equalTo(bearer()))
                .withQueryParam("q", equalTo("in:inbox newer_than:7d"))
                .willReturn(okJson("{\"messages\": [{\"id\": \"m-1\", \"threadId\": \"t-1\"}],"
                        + " \"resultSizeEstimate\": 1}")));
        stubMessageAndSend();

        assertThat(push("Bearer " + EmailFakes.pushToken(EmailFakes.PUSH_AUDIENCE)).statusCode()).isEqualTo(204);

        assertAnsweredInThread();
        assertThat(jdbc.queryForObject("SELECT sync_cursor FROM email_accounts WHERE address = :a",
                Map.of("a", address), String.class)).isEqualTo("900");
    }

    @Test
    void aMailboxWhoseWatchLapsedAndCannotBeRenewedIsPolled() {
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo("/gmail/gmail/v1/users/me/watch")).atPriority(1)
                .withHeader("Authorization", equalTo(bearer()))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": {\"code\": 403, \"message\": \"User not authorized to perform this "
                                + "action.\", \"errors\": [{\"reason\": \"forbidden\"}]}}")));
        jdbc.update("UPDATE email_accounts SET watch_expires_at = now() - interval '1 minute' WHERE address = :a",
                Map.of("a", address));
        stubHistoryFrom100();
        stubMessageAndSend();

        // no push comes: the round (every 500 ms in the tests) reads the mailbox
        assertAnsweredInThread();
    }

    private String bearer() {
        return "Bearer ya29.refreshed-" + address;
    }

    /** Gmail's history since 100 (the watch's): one mail added, m-1 of thread t-1; the history is then at 200. */
    private void stubHistoryFrom100() {
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo("/gmail/gmail/v1/users/me/history"))
                .withHeader("Authorization", equalTo(bearer())).withQueryParam("startHistoryId", equalTo("100"))
                .willReturn(okJson("{\"history\": [{\"id\": \"150\", \"messagesAdded\": [{\"message\": "
                        + "{\"id\": \"m-1\", \"threadId\": \"t-1\", \"labelIds\": [\"INBOX\"]}}]}],"
                        + " \"historyId\": \"200\"}")));
    }

    private void stubMessageAndSend() {
        String raw = Base64.getUrlEncoder().withoutPadding().encodeToString(EmailFakes.fixture("first-contact.eml",
                Map.of(FIRST_CONTACT_ID, "<" + address + "@customer.test>")));
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo("/gmail/gmail/v1/users/me/messages/m-1"))
                .withHeader("Authorization", equalTo(bearer()))
                .willReturn(okJson("{\"id\": \"m-1\", \"threadId\": \"t-1\", \"labelIds\": [\"INBOX\"],"
                        + " \"internalDate\": \"" + Instant.now().toEpochMilli() + "\", \"historyId\": \"150\","
                        + " \"raw\": \"" + raw + "\"}")));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo("/gmail/gmail/v1/users/me/messages/send"))
                .withHeader("Authorization", equalTo(bearer()))
                .willReturn(okJson("{\"id\": \"sent-1\", \"threadId\": \"t-1\", \"labelIds\": [\"SENT\"]}")));
    }

    /** The agent's answer went out through users.messages.send, in the mail's Gmail thread, as a reply to it. */
    private void assertAnsweredInThread() {
        LoggedRequest sent = await().atMost(Duration.ofSeconds(30)).until(() -> TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo("/gmail/gmail/v1/users/me/messages/send"))
                        .withHeader("Authorization", equalTo(bearer()))), found -> found.size() == 1).get(0);
        JsonNode body = PayloadJson.tree(sent.getBodyAsString());
        assertThat(body.get("threadId").asText()).isEqualTo("t-1");
        String mime = new String(Base64.getUrlDecoder().decode(body.get("raw").asText()), StandardCharsets.UTF_8);
        assertThat(mime).contains("In-Reply-To: <" + address + "@customer.test>", "To: jane@customer.test")
                .containsPattern("Message-ID: <[0-9a-f-]{36}@gmail\\.test>");
        assertThat(jdbc.queryForObject("""
                SELECT c.provider_thread_id FROM conversations c JOIN messages m ON m.conversation_id = c.id
                WHERE m.provider_message_id = :id
                """, Map.of("id", "<" + address + "@customer.test>"), String.class)).isEqualTo("t-1");
    }

    @Test
    void aRevokedGrantMarksTheAccountAsNeedingReauthorisation() throws Exception {
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo("/google/token"))
                .withRequestBody(containing("refresh_token=" + refreshToken.replace("/", "%2F")))
                .atPriority(1)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": \"invalid_grant\", \"error_description\": \"Token has been expired or "
                                + "revoked.\"}")));

        // the cached access token no longer works: Gmail answers 401, and the refresh that follows is refused
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo("/gmail/gmail/v1/users/me/history"))
                .withHeader("Authorization", equalTo(bearer()))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": {\"code\": 401, \"message\": \"Invalid Credentials\","
                                + " \"errors\": [{\"reason\": \"authError\"}]}}")));
        assertThat(push("Bearer " + EmailFakes.pushToken(EmailFakes.PUSH_AUDIENCE)).statusCode()).isEqualTo(204);

        JsonNode account = await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/email/accounts",
                admin.accessToken()).json().get("items").get(0), found -> found.get("status").asText()
                .equals("needs_reauth"));
        assertThat(account.get("statusReason").asText()).contains("revoked");
        assertThat(account.toString()).doesNotContain(refreshToken);
    }

    private HttpResponse<String> push(String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/gmail"))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(EmailFakes.pushBody(address, 200))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String idToken(String email) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                .issuer("https://accounts.google.com").audience("google-client").subject("108")
                .claim("email", email).claim("email_verified", true).issueTime(new java.util.Date())
                .expirationTime(java.util.Date.from(Instant.now().plusSeconds(3600))).build());
        jwt.sign(new RSASSASigner(new RSAKeyGenerator(2048).generate()));
        return jwt.serialize();
    }
}
