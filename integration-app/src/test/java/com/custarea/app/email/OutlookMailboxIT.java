package com.custarea.app.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.app.support.TwilioWebhookClient;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

/**
 * An Outlook mailbox through Microsoft Graph: its subscription, the validation handshake and clientState check,
 * mail read by delta query and answered with our own MIME through sendMail, a missed-notification catch-up, and a
 * revoked grant shown as needs_reauth.
 */
class OutlookMailboxIT extends DashboardIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ACCOUNTS = "/api/email/accounts";
    private static final String NOTIFICATIONS = "/api/webhooks/microsoft";
    private static final String TOKEN_PATH = "/microsoft/common/oauth2/v2.0/token";
    private static final String GRAPH = "/graph/v1.0";
    private static final String SUBSCRIPTIONS_PATH = GRAPH + "/subscriptions";
    private static final String SEND_MAIL_PATH = GRAPH + "/me/sendMail";
    private static final String INBOX_MESSAGES = "me/mailFolders('Inbox')/messages";
    /** The inbox's delta query, whether or not the HTTP client percent-encodes the parentheses and quotes. */
    private static final String DELTA_PATH_PATTERN = "/graph/v1\\.0/me/mailFolders.+Inbox.+/messages/delta";
    private static final String AUTHORIZATION = "Authorization";
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String FIRST_CONTACT_ID = "<000001dc5b22$5e8f1b20$1bad5160$@customer.test>";

    @Test
    void aNotifiedMailIsReadByDeltaQueryAndAnsweredThroughSendMailWithOurOwnMime() {
        String address = "support-" + UUID.randomUUID() + "@acme.test";
        String refreshToken = "rt-" + UUID.randomUUID();
        String accessToken = "at-" + UUID.randomUUID();
        String bearer = "Bearer " + accessToken;
        String subscriptionId = "sub-" + UUID.randomUUID();
        String graphMessageId = "AAMk" + UUID.randomUUID().toString().replace("-", "");
        String graphConversationId = "conv-" + UUID.randomUUID();
        Instant expiration = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        String receivedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String deltaLink = TENANT_SYSTEMS.baseUrl() + GRAPH + "/" + INBOX_MESSAGES + "/delta?$deltatoken=t1";

        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=" + refreshToken))
                .willReturn(jsonAnswer(200, Map.of("access_token", accessToken,
                        "token_type", "Bearer", "expires_in", 3600))));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(SUBSCRIPTIONS_PATH)).withHeader(AUTHORIZATION, equalTo(bearer))
                .willReturn(jsonAnswer(201, Map.of("id", subscriptionId, "resource", INBOX_MESSAGES,
                        "changeType", "created", "expirationDateTime", expiration.toString()))));
        TENANT_SYSTEMS.stubFor(get(urlPathMatching(DELTA_PATH_PATTERN)).withHeader(AUTHORIZATION, equalTo(bearer))
                .atPriority(5)
                .willReturn(jsonAnswer(200, Map.of("value", List.of(Map.of("id", graphMessageId,
                        "receivedDateTime", receivedAt)), "@odata.deltaLink", deltaLink))));
        TENANT_SYSTEMS.stubFor(get(urlPathMatching(DELTA_PATH_PATTERN)).withHeader(AUTHORIZATION, equalTo(bearer))
                .withQueryParam("$deltatoken", equalTo("t1"))
                .atPriority(1)
                .willReturn(jsonAnswer(200, Map.of("value", List.of(),
                        "@odata.deltaLink", deltaLink.replace("t1", "t2")))));
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo(GRAPH + "/me/messages/" + graphMessageId))
                .withHeader(AUTHORIZATION, equalTo(bearer))
                .withQueryParam("$select", containing("conversationId"))
                .willReturn(jsonAnswer(200, Map.of("id", graphMessageId, "conversationId", graphConversationId,
                        "internetMessageId", FIRST_CONTACT_ID, "receivedDateTime", receivedAt,
                        "from", Map.of("emailAddress", Map.of("name", "Jane Doe", "address", "jane@customer.test"))))));
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo(GRAPH + "/me/messages/" + graphMessageId + "/$value"))
                .withHeader(AUTHORIZATION, equalTo(bearer))
                .willReturn(aResponse().withStatus(200).withHeader(CONTENT_TYPE, "text/plain")
                        .withBody(fixture("first-contact.eml"))));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(SEND_MAIL_PATH)).withHeader(AUTHORIZATION, equalTo(bearer))
                .willReturn(aResponse().withStatus(202)));

        Session admin = registerTenant();
        JsonClient.Answer created = api.post(ACCOUNTS, admin.accessToken(), json(Map.of("provider", "outlook",
                "address", address, "credentials", Map.of("refreshToken", refreshToken), "aiAgentEnabled", true)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.raw().body()).doesNotContain(refreshToken);
        assertThat(created.json().get("provider").asText()).isEqualTo("outlook");
        assertThat(created.json().get("address").asText()).isEqualTo(address);
        assertThat(created.json().get("status").asText()).isEqualTo("active");
        UUID accountId = UUID.fromString(created.json().get("id").asText());
        assertThat(api.get(ACCOUNTS + "/" + accountId, admin.accessToken()).raw().body()).doesNotContain(refreshToken);
        assertThat(api.get(ACCOUNTS, admin.accessToken()).raw().body()).doesNotContain(refreshToken);
        assertThat(jdbc.queryForObject("SELECT secret_ciphertext FROM channels WHERE id = :id",
                Map.of("id", accountId), String.class)).isNotBlank().doesNotContain(refreshToken);

        List<LoggedRequest> refreshes = TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=" + refreshToken)));
        assertThat(refreshes).hasSize(1);
        Map<String, String> refresh = form(refreshes.get(0));
        assertThat(refresh).containsEntry("grant_type", "refresh_token").containsEntry("client_id", "microsoft-client")
                .containsEntry("client_secret", "microsoft-secret");
        assertThat(refresh.get("scope")).contains("offline_access", "https://graph.microsoft.com/Mail.Send");

        LoggedRequest subscribe = await().atMost(TIMEOUT).until(() -> TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo(SUBSCRIPTIONS_PATH)).withHeader(AUTHORIZATION, equalTo(bearer))),
                requests -> requests.size() == 1).get(0);
        JsonNode subscription = PayloadJson.tree(subscribe.getBodyAsString());
        String notificationUrl = TwilioWebhookClient.PUBLIC_BASE_URL + NOTIFICATIONS;
        assertThat(subscription.get("changeType").asText()).isEqualTo("created");
        assertThat(subscription.get("notificationUrl").asText()).isEqualTo(notificationUrl);
        assertThat(subscription.get("resource").asText()).isEqualTo(INBOX_MESSAGES);
        // Graph refuses a mail subscription that lasts longer than 10080 minutes
        assertThat(Instant.parse(subscription.get("expirationDateTime").asText()))
                .isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofMinutes(10080)));
        String clientState = subscription.get("clientState").asText();
        assertThat(clientState).hasSizeGreaterThanOrEqualTo(32);
        Map<String, Object> watch = rows("""
                SELECT watch_id, watch_secret, watch_expires_at FROM email_accounts WHERE channel_id = :id
                """, Map.of("id", accountId)).get(0);
        assertThat(watch.get("watch_id")).isEqualTo(subscriptionId);
        assertThat((String) watch.get("watch_secret")).isNotBlank().doesNotContain(clientState);
        assertThat(((Timestamp) watch.get("watch_expires_at")).toInstant()).isEqualTo(expiration);

        JsonClient.Answer validation = api.send("POST", NOTIFICATIONS + "?validationToken=abc%20123", null,
                "text/plain", null);
        assertThat(validation.status()).isEqualTo(200);
        assertThat(validation.header(CONTENT_TYPE)).startsWith("text/plain");
        assertThat(validation.raw().body()).isEqualTo("abc 123");

        RequestPatternBuilder deltaQueries = getRequestedFor(urlPathMatching(DELTA_PATH_PATTERN))
                .withHeader(AUTHORIZATION, equalTo(bearer));
        JsonClient.Answer forged = api.post(NOTIFICATIONS, null, json(changeNotification(subscriptionId, "wrong",
                graphMessageId)));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.header(CONTENT_TYPE)).startsWith("application/problem+json");
        assertThat(forged.json().get("type").asText()).endsWith("/invalid-client-state");
        assertThat(TENANT_SYSTEMS.findAll(deltaQueries)).isEmpty();

        JsonClient.Answer notified = api.post(NOTIFICATIONS, null, json(changeNotification(subscriptionId,
                clientState, graphMessageId)));
        assertThat(notified.status()).as(notified.raw().body()).isEqualTo(202);
        Map<String, Object> inbound = await().atMost(TIMEOUT).until(() -> rows("""
                SELECT id, conversation_id, subject FROM messages
                WHERE tenant_id = :tenant AND channel_id = :channel AND direction = 'inbound'
                  AND provider_message_id = :messageId
                """, Map.of("tenant", admin.tenantId(), "channel", accountId, "messageId", FIRST_CONTACT_ID)),
                found -> found.size() == 1).get(0);
        assertThat(inbound.get("subject")).isEqualTo("Änderung der Lieferadresse für Bestellung 1042");
        UUID conversationId = (UUID) inbound.get("conversation_id");
        assertThat(jdbc.queryForObject("SELECT provider_thread_id FROM conversations WHERE id = :id",
                Map.of("id", conversationId), String.class)).isEqualTo(graphConversationId);
        assertThat(TENANT_SYSTEMS.findAll(deltaQueries.withQueryParam("$select", containing("conversationId"))))
                .hasSize(1);

        UUID replyId = await().atMost(TIMEOUT).until(() -> jdbc.queryForList("""
                SELECT id FROM messages WHERE conversation_id = :conversation AND direction = 'outbound'
                """, Map.of("conversation", conversationId), UUID.class), ids -> ids.size() == 1).get(0);
        LoggedRequest sendMail = await().atMost(TIMEOUT).until(() -> TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo(SEND_MAIL_PATH)).withHeader(AUTHORIZATION, equalTo(bearer))),
                requests -> requests.size() == 1).get(0);
        assertThat(sendMail.getHeader(CONTENT_TYPE)).startsWith("text/plain");
        String mime = new String(Base64.getMimeDecoder().decode(sendMail.getBodyAsString()), StandardCharsets.UTF_8);
        assertThat(mime).contains("In-Reply-To: " + FIRST_CONTACT_ID, "Message-ID: <" + replyId + "@acme.test>",
                        "To: jane@customer.test")
                .containsPattern("(?m)^From: .*" + Pattern.quote(address));
        await().atMost(TIMEOUT).until(() -> jdbc.queryForObject("SELECT status FROM messages WHERE id = :id",
                Map.of("id", replyId), String.class), "sent"::equals);

        // the mailbox was read up to the delta link Graph gave; a missed notification reads on from there
        await().atMost(TIMEOUT).until(() -> jdbc.queryForObject(
                "SELECT sync_cursor FROM email_accounts WHERE channel_id = :id", Map.of("id", accountId),
                String.class), deltaLink::equals);
        RequestPatternBuilder catchUp = getRequestedFor(urlPathMatching(DELTA_PATH_PATTERN))
                .withHeader(AUTHORIZATION, equalTo(bearer)).withQueryParam("$deltatoken", equalTo("t1"));
        assertThat(TENANT_SYSTEMS.findAll(catchUp)).isEmpty();
        JsonClient.Answer missed = api.post(NOTIFICATIONS, null, json(Map.of("value", List.of(Map.of(
                "subscriptionId", subscriptionId, "clientState", clientState, "lifecycleEvent", "missed",
                "resource", INBOX_MESSAGES, "subscriptionExpirationDateTime", expiration.toString(),
                "organizationId", UUID.randomUUID().toString())))));
        assertThat(missed.status()).as(missed.raw().body()).isEqualTo(202);
        await().atMost(TIMEOUT).until(() -> TENANT_SYSTEMS.findAll(catchUp), requests -> requests.size() == 1);
    }

    @Test
    void aRevokedGrantMarksTheAccountAsNeedingToBeConnectedAgain() {
        String address = "support-" + UUID.randomUUID() + "@acme.test";
        String refreshToken = "rt-revoked-" + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=" + refreshToken))
                .willReturn(jsonAnswer(400, Map.of("error", "invalid_grant",
                        "error_description", "AADSTS70000: revoked"))));

        Session admin = registerTenant();
        JsonClient.Answer created = api.post(ACCOUNTS, admin.accessToken(), json(Map.of("provider", "outlook",
                "address", address, "credentials", Map.of("refreshToken", refreshToken), "aiAgentEnabled", true)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        String accountId = created.json().get("id").asText();

        // creating the account starts its subscription, which needs an access token, which Microsoft refuses
        await().atMost(TIMEOUT).untilAsserted(() -> {
            JsonClient.Answer account = api.get(ACCOUNTS + "/" + accountId, admin.accessToken());
            assertThat(account.status()).isEqualTo(200);
            assertThat(account.json().get("status").asText()).isEqualTo("needs_reauth");
            assertThat(account.json().get("statusReason").asText()).contains("invalid_grant", "AADSTS70000");
        });
        assertThat(TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=" + refreshToken)))).isNotEmpty();
        assertThat(rows("SELECT watch_id FROM email_accounts WHERE channel_id = CAST(:id AS uuid)",
                Map.of("id", accountId)).get(0).get("watch_id")).isNull();
    }

    /** A change notification for the new message {@code messageId}, as Graph posts it. */
    private static Map<String, Object> changeNotification(String subscriptionId, String clientState,
                                                          String messageId) {
        String userId = UUID.randomUUID().toString();
        return Map.of("value", List.of(Map.of("subscriptionId", subscriptionId, "clientState", clientState,
                "changeType", "created", "resource", "Users/" + userId + "/Messages/" + messageId,
                "resourceData", Map.of("@odata.type", "#Microsoft.Graph.Message", "id", messageId),
                "tenantId", UUID.randomUUID().toString())));
    }

    private static ResponseDefinitionBuilder jsonAnswer(int status, Map<String, ?> body) {
        return aResponse().withStatus(status).withHeader(CONTENT_TYPE, "application/json").withBody(json(body));
    }

    private static Map<String, String> form(LoggedRequest request) {
        return Arrays.stream(request.getBodyAsString().split("&")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair -> pair.length == 2 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : ""));
    }

    private byte[] fixture(String name) {
        try (InputStream in = getClass().getResourceAsStream("/email/" + name)) {
            assertThat(in).as("test resource /email/" + name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
