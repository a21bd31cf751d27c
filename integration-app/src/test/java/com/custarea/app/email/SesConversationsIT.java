package com.custarea.app.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.EmailFakes;
import com.custarea.app.support.JsonClient;
import com.custarea.routes.email.EmailMimeReader;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conversations of an SES mailbox driven through the dashboard API: one we start goes out with its own subject and
 * catches the reply, an agent's reply carries back the file the customer sent, mail the receipt rule stored in S3
 * is read from there, and a throttled send waits at least a minute and is tried once.
 */
class SesConversationsIT extends DashboardIntegrationTest {

    private static final String FIXTURE_OUR_ID = "<a1b2c3d4-0000-4000-8000-000000000001@mail.custarea.test>";
    private static final String FIRST_CONTACT_ID = "<000001dc5b22$5e8f1b20$1bad5160$@customer.test>";

    private final HttpClient http = HttpClient.newHttpClient();
    private Session admin;
    private String address;
    private UUID accountId;

    @BeforeEach
    void mailbox() {
        EmailFakes.stubProviders(TENANT_SYSTEMS);
        EmailFakes.stubSesIdentities(TENANT_SYSTEMS);
        admin = registerTenant();
        address = "desk-" + UUID.randomUUID() + "@acme.test";
        JsonClient.Answer created = api.post("/api/email/accounts", admin.accessToken(), json(Map.of(
                "provider", "ses", "address", address, "displayName", "Acme Desk")));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        accountId = UUID.fromString(created.json().get("id").asText());
    }

    @Test
    void aConversationWeStartGoesOutWithItsSubjectAndCatchesTheReply() throws Exception {
        JsonClient.Answer contact = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Jane Doe",
                "email", "jane@customer.test")));
        assertThat(contact.status()).as(contact.raw().body()).isEqualTo(201);
        JsonClient.Answer conversation = api.post("/api/conversations", admin.accessToken(), json(Map.of(
                "contactId", contact.json().get("id").asText(), "channelId", accountId.toString(),
                "subject", "Your order #1042 has shipped")));
        assertThat(conversation.status()).as(conversation.raw().body()).isEqualTo(201);
        String conversationId = conversation.json().get("id").asText();
        JsonClient.Answer message = api.post("/api/messages", admin.accessToken(), json(Map.of(
                "conversationId", conversationId, "text", "It left our warehouse today.",
                "attachments", List.of(Map.of("url", "https://files.acme.test/tracking-1042.pdf")))));
        assertThat(message.status()).as(message.raw().body()).isEqualTo(201);
        String ourMessageId = "<" + message.json().get("id").asText() + "@acme.test>";

        String mime = EmailFakes.rawMimeOf(awaitSend());
        assertThat(mime).contains("Subject: Your order #1042 has shipped", "Message-ID: " + ourMessageId,
                "It left our warehouse today.", "https://files.acme.test/tracking-1042.pdf")
                .doesNotContain("In-Reply-To:");

        assertThat(postSes(EmailFakes.snsNotification(TENANT_SYSTEMS, EmailFakes.TOPIC_ARN, EmailFakes.sesReceived(
                EmailFakes.fixture("gmail-reply.eml", Map.of(FIXTURE_OUR_ID, ourMessageId)), List.of(address),
                "ses-" + UUID.randomUUID()))).statusCode()).isEqualTo(200);
        assertThat(awaitConversationOf("<CAH7pZ1x9vQe3fVb0nRk_2mLwYq8TtJ4cXo5sDgUe+3aPq6Lw@mail.gmail.com>"))
                .isEqualTo(UUID.fromString(conversationId));
    }

    @Test
    void anAgentsReplyCarriesTheFileTheCustomerSent() throws Exception {
        assertThat(postSes(EmailFakes.snsNotification(TENANT_SYSTEMS, EmailFakes.TOPIC_ARN, EmailFakes.sesReceived(
                EmailFakes.fixture("first-contact.eml", Map.of()), List.of(address), "ses-" + UUID.randomUUID())))
                .statusCode()).isEqualTo(200);
        UUID conversation = awaitConversationOf(FIRST_CONTACT_ID);
        JsonNode attachment = PayloadJson.tree(jdbc.queryForObject("""
                SELECT attachments::text FROM messages WHERE conversation_id = :c AND direction = 'inbound'
                """, Map.of("c", conversation), String.class)).get(0);
        assertThat(attachment.get("contentType").asText()).isEqualTo("application/pdf");

        JsonClient.Answer reply = api.post("/api/messages", admin.accessToken(), json(Map.of(
                "conversationId", conversation.toString(), "text", "Here is your confirmation back, signed.",
                // the attachment's URL as the dashboard reaches it
                "attachments", List.of(Map.of("url", "http://localhost:" + port + attachment.get("url").asText(),
                        "filename", attachment.get("filename").asText(), "contentType", "application/pdf")))));
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(201);

        String mime = EmailFakes.rawMimeOf(awaitSend());
        assertThat(mime).contains("Content-Type: multipart/mixed", "In-Reply-To: " + FIRST_CONTACT_ID,
                "Content-Transfer-Encoding: base64").containsPattern("Content-Type: application/pdf")
                .containsPattern("filename=\"?=\\?UTF-8\\?B\\?");
        EmailMimeReader reader = new EmailMimeReader(26_214_400);
        byte[] sentFile = reader.parse(mime.getBytes(StandardCharsets.US_ASCII)).attachments().get(0).content();
        byte[] receivedFile = reader.parse(EmailFakes.fixture("first-contact.eml", Map.of())).attachments().get(0)
                .content();
        assertThat(sentFile).as("the very bytes the customer sent").isEqualTo(receivedFile).isNotEmpty();
    }

    @Test
    void mailTheReceiptRuleStoredInS3IsReadFromThere() throws Exception {
        String key = "inbound/" + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo("/custarea-inbound-mail/" + key)).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/octet-stream")
                .withBody(EmailFakes.fixture("first-contact.eml", Map.of()))));

        assertThat(postSes(EmailFakes.snsNotification(TENANT_SYSTEMS, EmailFakes.TOPIC_ARN,
                EmailFakes.sesReceivedInS3(List.of(address), "ses-" + UUID.randomUUID(), "custarea-inbound-mail",
                        key))).statusCode()).isEqualTo(200);

        UUID conversation = awaitConversationOf(FIRST_CONTACT_ID);
        assertThat(jdbc.queryForObject("SELECT subject FROM conversations WHERE id = :c", Map.of("c", conversation),
                String.class)).isEqualTo("Änderung der Lieferadresse für Bestellung 1042");
    }

    @Test
    void aThrottledSendWaitsAtLeastAMinuteAndIsTriedOnce() throws Exception {
        EmailFakes.stubSesThrottling(TENANT_SYSTEMS, address);
        assertThat(postSes(EmailFakes.snsNotification(TENANT_SYSTEMS, EmailFakes.TOPIC_ARN, EmailFakes.sesReceived(
                EmailFakes.fixture("first-contact.eml", Map.of()), List.of(address), "ses-" + UUID.randomUUID())))
                .statusCode()).isEqualTo(200);
        UUID conversation = awaitConversationOf(FIRST_CONTACT_ID);
        JsonClient.Answer reply = api.post("/api/messages", admin.accessToken(), json(Map.of(
                "conversationId", conversation.toString(), "text", "We are on it.")));
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(201);
        UUID replyId = UUID.fromString(reply.json().get("id").asText());

        Map<String, Object> parked = await().atMost(Duration.ofSeconds(30)).until(() -> rows(
                "SELECT reason, first_parked_at, next_attempt_at FROM parked_sends WHERE message_id = :id",
                Map.of("id", replyId)), found -> found.size() == 1).get(0);
        assertThat(parked.get("reason")).isEqualTo("provider-unavailable");
        long waitMs = ((Timestamp) parked.get("next_attempt_at")).getTime()
                - ((Timestamp) parked.get("first_parked_at")).getTime();
        assertThat(waitMs).as("SES gives no Retry-After: at least custarea.email.ses.throttle-backoff (60 s)")
                .isGreaterThanOrEqualTo(59_000);
        assertThat(sends()).as("neither the SDK nor CustArea tried again at once").hasSize(1);
        assertThat(jdbc.queryForObject("SELECT status FROM messages WHERE id = :id", Map.of("id", replyId),
                String.class)).isEqualTo("queued");
    }

    private LoggedRequest awaitSend() {
        return await().atMost(Duration.ofSeconds(30)).until(this::sends, found -> found.size() == 1).get(0);
    }

    private List<LoggedRequest> sends() {
        return TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo("/"))
                .withRequestBody(containing("Action=SendRawEmail"))
                .withRequestBody(containing("Source=" + address.replace("@", "%40"))));
    }

    private HttpResponse<String> postSes(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/ses"))
                .header("Content-Type", "text/plain; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private UUID awaitConversationOf(String providerMessageId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList("""
                SELECT conversation_id FROM messages WHERE tenant_id = :t AND provider_message_id = :id
                """, Map.of("t", admin.tenantId(), "id", providerMessageId), UUID.class), ids -> ids.size() == 1)
                .get(0);
    }
}
