package com.custarea.routes.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.custarea.routes.support.PermanentFailure;
import com.custarea.routes.support.TransientFailure;
import com.custarea.schemas.PayloadJson;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Gmail API client against WireMock standing in for gmail.googleapis.com. */
class GmailApiTest {

    private static final String TOKEN = "ya29.test-token";
    private static final String BEARER = "Bearer " + TOKEN;
    private static final String MIME = "From: agent@custarea.example\r\nTo: customer@example.com\r\n"
            + "Message-ID: <m1@custarea.example>\r\nSubject: Re: order\r\n\r\nIt ships today.\r\n";

    @RegisterExtension
    static WireMockExtension gmailFake = WireMockExtension.newInstance()
            .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
            .build();

    private GmailApi gmail;

    @BeforeEach
    void pointAtFake() {
        gmail = new GmailApi(gmailFake.baseUrl() + "/");
    }

    @Test
    void sendPostsTheMimeAsBase64UrlInTheGivenThread() {
        // bytes whose base64 holds '+' and '/', so base64url visibly differs
        byte[] mime = (MIME + "\u00fb\u00ff\u00fe?>").getBytes(StandardCharsets.UTF_8);
        String raw = Base64.getUrlEncoder().withoutPadding().encodeToString(mime);
        gmailFake.stubFor(post(urlPathEqualTo("/gmail/v1/users/me/messages/send"))
                .willReturn(okJson("{\"id\":\"18c1\",\"threadId\":\"18a0\",\"labelIds\":[\"SENT\"]}")));

        GmailApi.SentMail sent = gmail.send(TOKEN, mime, "18a0");

        assertThat(sent).isEqualTo(new GmailApi.SentMail("18c1", "18a0"));
        gmailFake.verify(postRequestedFor(urlPathEqualTo("/gmail/v1/users/me/messages/send"))
                .withHeader("Authorization", equalTo(BEARER))
                .withRequestBody(equalToJson(PayloadJson.write(Map.of("raw", raw, "threadId", "18a0")))));
        assertThat(raw).containsAnyOf("-", "_");
    }

    @Test
    void sendWithoutAThreadPostsOnlyTheRaw() {
        byte[] mime = MIME.getBytes(StandardCharsets.US_ASCII);
        gmailFake.stubFor(post(urlPathEqualTo("/gmail/v1/users/me/messages/send"))
                .willReturn(okJson("{\"id\":\"18c2\",\"threadId\":\"18c2\"}")));

        assertThat(gmail.send(TOKEN, mime, null)).isEqualTo(new GmailApi.SentMail("18c2", "18c2"));

        gmailFake.verify(postRequestedFor(urlPathEqualTo("/gmail/v1/users/me/messages/send"))
                .withRequestBody(equalToJson(PayloadJson.write(
                        Map.of("raw", Base64.getUrlEncoder().withoutPadding().encodeToString(mime))))));
    }

    @Test
    void aLargeMailGoesThroughTheUploadEndpointInOneMultipartRequest() {
        byte[] mime = largeMime();
        gmailFake.stubFor(post(urlPathEqualTo("/upload/gmail/v1/users/me/messages/send"))
                .willReturn(okJson("{\"id\":\"18c3\",\"threadId\":\"18a0\"}")));

        assertThat(gmail.send(TOKEN, mime, "18a0")).isEqualTo(new GmailApi.SentMail("18c3", "18a0"));

        List<LoggedRequest> uploads = gmailFake.findAll(
                postRequestedFor(urlPathEqualTo("/upload/gmail/v1/users/me/messages/send")));
        assertThat(uploads).hasSize(1);
        LoggedRequest upload = uploads.get(0);
        assertThat(upload.queryParameter("uploadType").firstValue()).isEqualTo("multipart");
        assertThat(upload.getHeader("Authorization")).isEqualTo(BEARER);
        assertThat(upload.getHeader("Content-Type")).startsWith("multipart/related");
        String body = upload.getBodyAsString();
        assertThat(body).contains("\"threadId\":\"18a0\"").contains("message/rfc822")
                .contains(new String(mime, StandardCharsets.US_ASCII));
        assertThat(body).doesNotContain("\"raw\"");
    }

    @Test
    void watchPostsTheTopicAndLabelsAndReturnsTheHistoryIdAndExpiration() {
        gmailFake.stubFor(post(urlPathEqualTo("/gmail/v1/users/me/watch"))
                .willReturn(okJson("{\"historyId\":\"1234567\",\"expiration\":\"1767225600000\"}")));

        GmailApi.Watch watch = gmail.watch(TOKEN, "projects/custarea/topics/gmail", List.of("INBOX"));

        assertThat(watch).isEqualTo(new GmailApi.Watch("1234567", Instant.ofEpochMilli(1767225600000L)));
        gmailFake.verify(postRequestedFor(urlPathEqualTo("/gmail/v1/users/me/watch"))
                .withHeader("Authorization", equalTo(BEARER))
                .withRequestBody(equalToJson(
                        "{\"topicName\":\"projects/custarea/topics/gmail\",\"labelIds\":[\"INBOX\"]}")));
    }

    @Test
    void historyReadsTheInboxMessagesAddedSinceTheStartId() {
        gmailFake.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/history"))
                .willReturn(okJson("""
                        {"history":[
                          {"id":"101","messagesAdded":[{"message":{"id":"m1","threadId":"t1","labelIds":["INBOX"]}}]},
                          {"id":"102","messagesAdded":[{"message":{"id":"m2","threadId":"t2","labelIds":["INBOX"]}},
                                                       {"message":{"id":"m1","threadId":"t1","labelIds":["INBOX"]}}]}
                         ],
                         "nextPageToken":"page-2","historyId":"105"}""")));

        GmailApi.HistoryPage page = gmail.history(TOKEN, "100", null);

        assertThat(page.added()).containsExactly(new GmailApi.MessageRef("m1", "t1"),
                new GmailApi.MessageRef("m2", "t2"));
        assertThat(page.nextPageToken()).isEqualTo("page-2");
        assertThat(page.historyId()).isEqualTo("105");
        gmailFake.verify(getRequestedFor(urlPathEqualTo("/gmail/v1/users/me/history"))
                .withQueryParam("startHistoryId", equalTo("100"))
                .withQueryParam("historyTypes", equalTo("messageAdded"))
                .withQueryParam("labelId", equalTo("INBOX"))
                .withHeader("Authorization", equalTo(BEARER)));
    }

    @Test
    void historyThatGmailNoLongerHasCallsForAFullSync() {
        gmailFake.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/history"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody(googleError(404, "notFound", "Requested entity was not found."))));

        assertThatThrownBy(() -> gmail.history(TOKEN, "100", null))
                .isInstanceOf(GmailHistoryExpiredException.class)
                .hasMessageContaining("100");
    }

    @Test
    void tooManyRequestsIsUnavailableWithGmailsRetryAfter() {
        gmailFake.stubFor(post(urlPathEqualTo("/gmail/v1/users/me/messages/send"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")
                        .withHeader("Content-Type", "application/json")
                        .withBody(googleError(429, "rateLimitExceeded", "Too many requests"))));

        assertThatThrownBy(() -> gmail.send(TOKEN, MIME.getBytes(StandardCharsets.US_ASCII), null))
                .isInstanceOfSatisfying(EmailProviderUnavailableException.class, unavailable ->
                        assertThat(unavailable.retryAfter()).contains(Duration.ofSeconds(30)))
                .isInstanceOf(TransientFailure.class);
    }

    @Test
    void aRateLimitForbiddenIsUnavailableNotRefused() {
        gmailFake.stubFor(post(urlPathEqualTo("/gmail/v1/users/me/messages/send"))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody(googleError(403, "userRateLimitExceeded", "User Rate Limit Exceeded"))));

        assertThatThrownBy(() -> gmail.send(TOKEN, MIME.getBytes(StandardCharsets.US_ASCII), null))
                .isInstanceOfSatisfying(EmailProviderUnavailableException.class, unavailable ->
                        assertThat(unavailable).hasMessageContaining("userRateLimitExceeded"));
    }

    @Test
    void aServerErrorIsUnavailable() {
        gmailFake.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/profile"))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody(googleError(503, "backendError", "Backend Error"))));

        assertThatThrownBy(() -> gmail.profile(TOKEN))
                .isInstanceOfSatisfying(EmailProviderUnavailableException.class, unavailable ->
                        assertThat(unavailable.retryAfter()).isEmpty());
    }

    @Test
    void aBadRequestIsRefusedWithGmailsReason() {
        gmailFake.stubFor(post(urlPathEqualTo("/gmail/v1/users/me/messages/send"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(googleError(400, "invalidArgument", "Invalid To header"))));

        assertThatThrownBy(() -> gmail.send(TOKEN, MIME.getBytes(StandardCharsets.US_ASCII), null))
                .isInstanceOfSatisfying(EmailProviderRefusedException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.code()).isEqualTo("invalidArgument");
                    assertThat(refused).hasMessageContaining("Invalid To header");
                })
                .isInstanceOf(PermanentFailure.class);
    }

    @Test
    void anUnauthorizedTokenCallsForReauthorization() {
        gmailFake.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/profile"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody(googleError(401, "authError", "Invalid Credentials"))));

        assertThatThrownBy(() -> gmail.profile(TOKEN)).isInstanceOf(EmailReauthorizationRequiredException.class);
    }

    @Test
    void aBrokenConnectionIsUnavailable() {
        gmailFake.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/profile"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> gmail.profile(TOKEN))
                .isInstanceOf(EmailProviderUnavailableException.class)
                .hasCauseInstanceOf(java.io.IOException.class);
    }

    @Test
    void fetchRawDecodesTheMimeAndReadsItsMetadata() {
        byte[] mime = (MIME + "\u00e9t\u00e9 ?>").getBytes(StandardCharsets.UTF_8);
        gmailFake.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/messages/m1"))
                .willReturn(okJson(PayloadJson.write(Map.of("id", "m1", "threadId", "t1",
                        "labelIds", List.of("INBOX", "UNREAD"), "internalDate", "1767225600123", "historyId", "2001",
                        "raw", Base64.getUrlEncoder().encodeToString(mime))))));

        GmailApi.RawMail mail = gmail.fetchRaw(TOKEN, "m1");

        assertThat(mail.mime()).isEqualTo(mime);
        assertThat(mail.id()).isEqualTo("m1");
        assertThat(mail.threadId()).isEqualTo("t1");
        assertThat(mail.labelIds()).containsExactly("INBOX", "UNREAD");
        assertThat(mail.internalDate()).isEqualTo(Instant.ofEpochMilli(1767225600123L));
        assertThat(mail.historyId()).isEqualTo("2001");
        gmailFake.verify(getRequestedFor(urlPathEqualTo("/gmail/v1/users/me/messages/m1"))
                .withQueryParam("format", equalTo("raw")));
    }

    @Test
    void listPassesTheQueryAndPageToken() {
        gmailFake.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/messages"))
                .willReturn(okJson("""
                        {"messages":[{"id":"m9","threadId":"t9"},{"id":"m8","threadId":"t8"}],
                         "nextPageToken":"p3","resultSizeEstimate":2}""")));

        GmailApi.ListPage page = gmail.list(TOKEN, "in:inbox newer_than:7d", "p2");

        assertThat(page.messages()).containsExactly(new GmailApi.MessageRef("m9", "t9"),
                new GmailApi.MessageRef("m8", "t8"));
        assertThat(page.nextPageToken()).isEqualTo("p3");
        gmailFake.verify(getRequestedFor(urlPathEqualTo("/gmail/v1/users/me/messages"))
                .withQueryParam("q", equalTo("in:inbox newer_than:7d"))
                .withQueryParam("pageToken", equalTo("p2")));
    }

    @Test
    void anEmptyListHasNoMessages() {
        gmailFake.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/messages"))
                .willReturn(okJson("{\"resultSizeEstimate\":0}")));

        GmailApi.ListPage page = gmail.list(TOKEN, "in:inbox newer_than:7d", null);

        assertThat(page.messages()).isEmpty();
        assertThat(page.nextPageToken()).isNull();
    }

    @Test
    void profileReturnsTheAddressAndHistoryId() {
        gmailFake.stubFor(get(urlPathEqualTo("/gmail/v1/users/me/profile"))
                .willReturn(okJson("""
                        {"emailAddress":"support@shop.example","messagesTotal":10,"threadsTotal":4,
                         "historyId":"98765"}""")));

        assertThat(gmail.profile(TOKEN)).isEqualTo(new GmailApi.Profile("support@shop.example", "98765"));
    }

    @Test
    void stopPostsToTheMailboxsStopEndpoint() {
        gmailFake.stubFor(post(urlPathEqualTo("/gmail/v1/users/me/stop")).willReturn(aResponse().withStatus(204)));

        gmail.stop(TOKEN);

        gmailFake.verify(postRequestedFor(urlPathEqualTo("/gmail/v1/users/me/stop"))
                .withHeader("Authorization", equalTo(BEARER)));
    }

    @Test
    void aHistoryIdThatIsNotANumberIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> gmail.history(TOKEN, "12a", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(gmailFake.getAllServeEvents()).isEmpty();
    }

    private static byte[] largeMime() {
        char[] body = new char[GmailApi.MAX_INLINE_RAW_BYTES + 1024];
        Arrays.fill(body, 'x');
        for (int i = 76; i < body.length; i += 78) {
            body[i - 1] = '\r';
            body[i] = '\n';
        }
        return (MIME + new String(body)).getBytes(StandardCharsets.US_ASCII);
    }

    private static String googleError(int code, String reason, String message) {
        return PayloadJson.write(Map.of("error", Map.of("code", code, "message", message,
                "errors", List.of(Map.of("domain", "global", "reason", reason, "message", message)))));
    }
}
