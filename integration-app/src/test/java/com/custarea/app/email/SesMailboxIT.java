package com.custarea.app.email;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.EmailFakes;
import com.custarea.app.support.PipelineIntegrationTest;
import com.custarea.routes.email.EmailAccount;
import com.custarea.routes.email.EmailAccounts;
import com.custarea.routes.email.EmailProvider;
import com.custarea.schemas.Topics;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An SES mailbox end to end: mail arrives through SNS (signature, topic and certificate host verified), the AI
 * agent's answer leaves through camel-aws2-ses as raw MIME with our threading headers, replies from Gmail, Outlook
 * and Apple Mail (and one to SES's own Message-ID) join the thread, a forward and a newsletter reply do not, an
 * auto-reply wakes no agent, and a bounce fails the mail it is about.
 */
class SesMailboxIT extends PipelineIntegrationTest {

    private static final String FIRST_CONTACT_ID = "<000001dc5b22$5e8f1b20$1bad5160$@customer.test>";
    private static final String FIXTURE_OUR_ID = "<a1b2c3d4-0000-4000-8000-000000000001@mail.custarea.test>";

    @Autowired
    EmailAccounts accounts;

    private final HttpClient http = HttpClient.newHttpClient();
    private EmailAccount mailbox;

    @BeforeEach
    void mailbox() {
        EmailFakes.stubProviders(TENANT_SYSTEMS);
        UUID tenantId = tenants.create("SES " + UUID.randomUUID());
        mailbox = accounts.create(new EmailAccounts.NewAccount(tenantId, EmailProvider.SES,
                "support-" + UUID.randomUUID() + "@acme.test", "Acme Support", "Acme Support · acme.test", null,
                true));
    }

    @Test
    void mailIsAnsweredThroughSesAndRepliesThreadWhileForwardsNewslettersAndAutoRepliesDoNot() throws Exception {
        assertThat(postSes(received("first-contact.eml", Map.of(), "ses-in-1")).statusCode()).isEqualTo(200);
        UUID conversation = awaitConversationOf(FIRST_CONTACT_ID);

        LoggedRequest sent = await().atMost(Duration.ofSeconds(30)).until(() -> sesSendsFrom(mailbox.address()),
                requests -> requests.size() == 1).get(0);
        String mime = EmailFakes.rawMimeOf(sent);
        UUID replyId = jdbc.queryForObject("""
                SELECT id FROM messages WHERE conversation_id = :c AND direction = 'outbound'
                """, Map.of("c", conversation), UUID.class);
        String ourMessageId = "<" + replyId + "@acme.test>";
        assertThat(mime).contains("Message-ID: " + ourMessageId, "In-Reply-To: " + FIRST_CONTACT_ID,
                "References: " + FIRST_CONTACT_ID, "To: jane@customer.test", "Content-Type: multipart/alternative", "-- ")
                .containsPattern("From: (\"?Acme Support\"? )?<" + mailbox.address() + ">")
                .containsPattern("Subject: (Re: |=\\?)");
        assertThat(sent.getBodyAsString()).contains("Source=" + mailbox.address().replace("@", "%40"));
        await().atMost(Duration.ofSeconds(30)).until(() -> status(replyId), "sent"::equals);
        String sesId = jdbc.queryForObject("SELECT provider_message_id FROM send_ledger WHERE message_id = :id",
                Map.of("id", replyId), String.class);
        assertThat(sesId).startsWith("0100");

        for (String reply : List.of("gmail-reply.eml", "outlook-reply.eml", "apple-mail-reply.eml")) {
            postSes(received(reply, Map.of(FIXTURE_OUR_ID, ourMessageId), "ses-" + reply));
        }
        // SES gives the mail a Message-ID of its own; a reply that names only that still finds the thread
        postSes(received("gmail-reply.eml", Map.of(FIXTURE_OUR_ID, "<" + sesId + "@email.amazonses.com>",
                "<CAH7pZ1x9vQe3fVb0nRk_2mLwYq8TtJ4cXo5sDgUe+3aPq6Lw@mail.gmail.com>", "<ses-form@mail.gmail.com>"),
                "ses-ses-form"));
        postSes(received("auto-reply.eml", Map.of(FIXTURE_OUR_ID, ourMessageId), "ses-auto"));
        postSes(received("forward.eml", Map.of(), "ses-forward"));
        postSes(received("newsletter-reply.eml", Map.of(), "ses-newsletter"));

        assertThat(awaitConversationOf(messageIdIn("gmail-reply.eml"))).isEqualTo(conversation);
        assertThat(awaitConversationOf(messageIdIn("outlook-reply.eml"))).isEqualTo(conversation);
        assertThat(awaitConversationOf(messageIdIn("apple-mail-reply.eml"))).isEqualTo(conversation);
        assertThat(awaitConversationOf("<ses-form@mail.gmail.com>")).isEqualTo(conversation);
        UUID autoReply = awaitMessage(messageIdIn("auto-reply.eml"));
        assertThat(awaitConversationOf(messageIdIn("auto-reply.eml"))).isEqualTo(conversation);
        assertThat(awaitConversationOf(messageIdIn("forward.eml"))).isNotEqualTo(conversation);
        assertThat(awaitConversationOf(messageIdIn("newsletter-reply.eml"))).isNotEqualTo(conversation);

        assertThat(jdbc.queryForObject("SELECT metadata ->> 'automated' FROM messages WHERE id = :id",
                Map.of("id", autoReply), String.class)).isEqualTo("auto-reply");
        assertThat(topics.readAll(Topics.AI_REQUESTS.name(), record -> record.value().contains(autoReply.toString())))
                .as("an auto-reply wakes no agent").isEmpty();
        String gmailReplyText = jdbc.queryForObject("""
                SELECT metadata ->> 'replyText' FROM messages WHERE provider_message_id = :id AND tenant_id = :t
                """, Map.of("id", messageIdIn("gmail-reply.eml"), "t", mailbox.tenantId()), String.class);
        assertThat(gmailReplyText).as("the quoted history is kept from the agent").doesNotContain("wrote:");

        assertThat(postSes(EmailFakes.snsNotification(TENANT_SYSTEMS, EmailFakes.TOPIC_ARN,
                EmailFakes.sesBounce(sesId, "jane@customer.test"))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(replyId), "failed"::equals);
        assertThat(jdbc.queryForObject("SELECT error_code FROM messages WHERE id = :id", Map.of("id", replyId),
                String.class)).isEqualTo("bounce-permanent");
    }

    @Test
    void snsMessagesThatDoNotVerifyAreRefusedBeforeAnythingIsStored() throws Exception {
        String message = EmailFakes.sesReceived(EmailFakes.fixture("first-contact.eml", Map.of(FIRST_CONTACT_ID,
                "<refused@customer.test>")), List.of(mailbox.address()), "ses-refused");
        String valid = EmailFakes.snsNotification(TENANT_SYSTEMS, EmailFakes.TOPIC_ARN, message);

        assertThat(valid).contains("ses-refused");
        HttpResponse<String> tampered = postSes(valid.replace("ses-refused", "ses-tampered"));
        HttpResponse<String> wrongTopic = postSes(EmailFakes.snsNotification(TENANT_SYSTEMS,
                "arn:aws:sns:us-east-1:999999999999:someone-else", message));
        HttpResponse<String> offSns = postSes(EmailFakes.snsNotification("https://evil.example/cert.pem", message));
        HttpResponse<String> notJson = postSes("{not json");

        assertThat(List.of(tampered.statusCode(), wrongTopic.statusCode(), offSns.statusCode()))
                .containsOnly(403);
        assertThat(tampered.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(rows("SELECT id FROM messages WHERE tenant_id = :t", Map.of("t", mailbox.tenantId()))).isEmpty();

        String subscribeUrl = TENANT_SYSTEMS.baseUrl() + "/sns/confirm?Action=ConfirmSubscription&Token=t-"
                + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/sns/confirm"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.ok()));
        assertThat(postSes(EmailFakes.snsSubscriptionConfirmation(TENANT_SYSTEMS, subscribeUrl)).statusCode())
                .isEqualTo(200);
        TENANT_SYSTEMS.verify(getRequestedFor(urlPathEqualTo("/sns/confirm")));
        assertThat(postSes(valid).statusCode()).isEqualTo(200);
        awaitMessage("<refused@customer.test>");
    }

    private String received(String fixture, Map<String, String> replacements, String sesMessageId) {
        byte[] raw = EmailFakes.fixture(fixture, replacements);
        return EmailFakes.snsNotification(TENANT_SYSTEMS, EmailFakes.TOPIC_ARN,
                EmailFakes.sesReceived(raw, List.of(mailbox.address()), sesMessageId + "-" + UUID.randomUUID()));
    }

    private HttpResponse<String> postSes(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/ses"))
                .header("Content-Type", "text/plain; charset=UTF-8")
                .header("x-amz-sns-message-type", "Notification")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<LoggedRequest> sesSendsFrom(String address) {
        return TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo("/"))
                .withRequestBody(containing("Action=SendRawEmail"))
                .withRequestBody(containing("Source=" + address.replace("@", "%40"))));
    }

    private String status(UUID messageId) {
        return jdbc.queryForObject("SELECT status FROM messages WHERE id = :id", Map.of("id", messageId),
                String.class);
    }

    private static String messageIdIn(String fixture) {
        String text = new String(EmailFakes.fixture(fixture, Map.of()), java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(?im)^Message-ID:\\s*(<[^>]+>)")
                .matcher(text);
        assertThat(matcher.find()).as("a Message-ID in " + fixture).isTrue();
        return matcher.group(1);
    }

    private UUID awaitMessage(String providerMessageId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList("""
                SELECT id FROM messages WHERE tenant_id = :t AND provider_message_id = :id
                """, Map.of("t", mailbox.tenantId(), "id", providerMessageId), UUID.class), ids -> ids.size() == 1)
                .get(0);
    }

    private UUID awaitConversationOf(String providerMessageId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList("""
                SELECT conversation_id FROM messages WHERE tenant_id = :t AND provider_message_id = :id
                """, Map.of("t", mailbox.tenantId(), "id", providerMessageId), UUID.class), ids -> ids.size() == 1)
                .get(0);
    }
}
