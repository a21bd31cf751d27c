package com.custarea.routes.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
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

import com.custarea.schemas.PayloadJson;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Microsoft Graph mail client against WireMock standing in for graph.microsoft.com. */
class GraphMailApiTest {

    private static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJub25jZSI6InRlc3QifQ.graph";
    private static final String BEARER = "Bearer " + TOKEN;
    private static final int MAX_MESSAGE_BYTES = 2048;
    private static final String MIME = "From: support@shop.example\r\nTo: customer@example.com\r\n"
            + "Message-ID: <r1@custarea.example>\r\nIn-Reply-To: <q1@example.com>\r\n"
            + "References: <q1@example.com>\r\nSubject: Re: order\r\n\r\nIt ships today.\r\n";
    /** An Outlook message id, whose base64 holds characters a path segment must escape. */
    private static final String MESSAGE_ID = "AAMkAGI2TG93AAA+x=";
    private static final String MESSAGE_PATH = "/v1.0/me/messages/AAMkAGI2TG93AAA%2Bx%3D";

    @RegisterExtension
    static WireMockExtension graphFake = WireMockExtension.newInstance()
            .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
            .build();

    private GraphMailApi graph;

    @BeforeEach
    void pointAtFake() {
        graph = new GraphMailApi(graphFake.baseUrl() + "/v1.0", MAX_MESSAGE_BYTES);
    }

    @Test
    void sendMimePostsTheMimeAsBase64PlainText() {
        byte[] mime = MIME.getBytes(StandardCharsets.US_ASCII);
        graphFake.stubFor(post(urlPathEqualTo("/v1.0/me/sendMail")).willReturn(aResponse().withStatus(202)));

        graph.sendMime(TOKEN, mime);

        graphFake.verify(postRequestedFor(urlPathEqualTo("/v1.0/me/sendMail"))
                .withHeader("Authorization", equalTo(BEARER))
                .withHeader("Content-Type", equalTo("text/plain"))
                .withRequestBody(equalTo(Base64.getEncoder().encodeToString(mime))));
    }

    @Test
    void subscribePostsTheInboxSubscriptionAndReturnsItsIdAndExpiration() {
        graphFake.stubFor(post(urlPathEqualTo("/v1.0/subscriptions")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                        {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
                         "id":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07","resource":"me/mailFolders('Inbox')/messages",
                         "changeType":"created","clientState":"s3cret",
                         "notificationUrl":"https://custarea.example/webhooks/email/graph",
                         "expirationDateTime":"2026-12-04T10:00:00.4536789Z"}""")));

        GraphMailApi.Subscription subscription = graph.subscribe(TOKEN, "https://custarea.example/webhooks/email/graph",
                "https://custarea.example/webhooks/email/graph/lifecycle", "s3cret",
                Instant.parse("2026-12-04T10:00:00Z"));

        assertThat(subscription).isEqualTo(new GraphMailApi.Subscription("7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
                Instant.parse("2026-12-04T10:00:00.4536789Z")));
        graphFake.verify(postRequestedFor(urlPathEqualTo("/v1.0/subscriptions"))
                .withHeader("Authorization", equalTo(BEARER))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"changeType":"created",
                         "notificationUrl":"https://custarea.example/webhooks/email/graph",
                         "lifecycleNotificationUrl":"https://custarea.example/webhooks/email/graph/lifecycle",
                         "resource":"me/mailFolders('Inbox')/messages",
                         "expirationDateTime":"2026-12-04T10:00:00Z",
                         "clientState":"s3cret"}""")));
    }

    @Test
    void renewPatchesTheExpiration() {
        graphFake.stubFor(patch(urlPathEqualTo("/v1.0/subscriptions/sub-1")).willReturn(okJson(
                "{\"id\":\"sub-1\",\"expirationDateTime\":\"2026-12-10T08:00:00-07:00\"}")));

        GraphMailApi.Subscription renewed = graph.renew(TOKEN, "sub-1",
                Instant.parse("2026-12-10T15:00:00.123456789Z"));

        assertThat(renewed.expiration()).isEqualTo(Instant.parse("2026-12-10T15:00:00Z"));
        graphFake.verify(patchRequestedFor(urlPathEqualTo("/v1.0/subscriptions/sub-1"))
                .withRequestBody(equalToJson("{\"expirationDateTime\":\"2026-12-10T15:00:00Z\"}")));
    }

    @Test
    void unsubscribeDeletesAndToleratesASubscriptionAlreadyGone() {
        graphFake.stubFor(delete(urlPathEqualTo("/v1.0/subscriptions/sub-1")).willReturn(aResponse().withStatus(204)));
        graphFake.stubFor(delete(urlPathEqualTo("/v1.0/subscriptions/sub-gone")).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json")
                .withBody(graphError("ResourceNotFound", "The object was not found."))));

        graph.unsubscribe(TOKEN, "sub-1");
        graph.unsubscribe(TOKEN, "sub-gone");

        graphFake.verify(deleteRequestedFor(urlPathEqualTo("/v1.0/subscriptions/sub-1"))
                .withHeader("Authorization", equalTo(BEARER)));
        graphFake.verify(deleteRequestedFor(urlPathEqualTo("/v1.0/subscriptions/sub-gone")));
    }

    @Test
    void deltaFollowsTheNextLinkThenReturnsTheDeltaLink() {
        String base = graphFake.baseUrl() + "/v1.0/me/mailFolders('Inbox')/messages/delta";
        graphFake.stubFor(get(urlEqualTo("/v1.0/me/mailFolders('Inbox')/messages/delta"
                + "?$select=id,conversationId,receivedDateTime")).willReturn(okJson(PayloadJson.write(Map.of(
                        "value", List.of(message("m1"), message("m2")),
                        "@odata.nextLink", base + "?$skiptoken=page2")))));
        graphFake.stubFor(get(urlEqualTo("/v1.0/me/mailFolders('Inbox')/messages/delta?$skiptoken=page2"))
                .willReturn(okJson(PayloadJson.write(Map.of(
                        "value", List.of(message("m3"), Map.of("id", "m0", "@removed", Map.of("reason", "deleted"))),
                        "@odata.deltaLink", base + "?$deltatoken=round1")))));

        GraphMailApi.DeltaPage first = graph.delta(TOKEN, null);
        GraphMailApi.DeltaPage second = graph.delta(TOKEN, first.nextLink());

        assertThat(first.messageIds()).containsExactly("m1", "m2");
        assertThat(first.last()).isFalse();
        assertThat(first.deltaLink()).isNull();
        assertThat(second.messageIds()).containsExactly("m3");
        assertThat(second.last()).isTrue();
        assertThat(second.nextLink()).isNull();
        assertThat(second.deltaLink()).isEqualTo(base + "?$deltatoken=round1");
        graphFake.verify(getRequestedFor(urlEqualTo("/v1.0/me/mailFolders('Inbox')/messages/delta?$skiptoken=page2"))
                .withHeader("Authorization", equalTo(BEARER)));
    }

    @Test
    void aLinkToAnotherHostIsNeverSentTheToken() {
        assertThatThrownBy(() -> graph.delta(TOKEN, "https://attacker.example/v1.0/me/messages/delta?$skiptoken=x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(graphFake.getAllServeEvents()).isEmpty();
    }

    @Test
    void tooManyRequestsIsUnavailableWithGraphsRetryAfter() {
        graphFake.stubFor(post(urlPathEqualTo("/v1.0/me/sendMail")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "17").withHeader("Content-Type", "application/json")
                .withBody(graphError("ApplicationThrottled", "Application is over its MailboxConcurrency limit."))));

        assertThatThrownBy(() -> graph.sendMime(TOKEN, MIME.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(EmailProviderUnavailableException.class, unavailable -> {
                    assertThat(unavailable.retryAfter()).contains(Duration.ofSeconds(17));
                    assertThat(unavailable).hasMessageContaining("ApplicationThrottled");
                });
    }

    @Test
    void serviceUnavailableIsUnavailableWithItsRetryAfter() {
        graphFake.stubFor(get(urlPathEqualTo("/v1.0/me")).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "5")));

        assertThatThrownBy(() -> graph.me(TOKEN))
                .isInstanceOfSatisfying(EmailProviderUnavailableException.class, unavailable ->
                        assertThat(unavailable.retryAfter()).contains(Duration.ofSeconds(5)));
    }

    @Test
    void aBrokenConnectionIsUnavailable() {
        graphFake.stubFor(get(urlPathEqualTo("/v1.0/me")).willReturn(aResponse()
                .withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> graph.me(TOKEN)).isInstanceOf(EmailProviderUnavailableException.class);
    }

    @Test
    void anExpiredTokenCallsForReauthorization() {
        graphFake.stubFor(get(urlPathEqualTo("/v1.0/me")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody(graphError("InvalidAuthenticationToken", "Access token has expired."))));

        assertThatThrownBy(() -> graph.me(TOKEN)).isInstanceOf(EmailReauthorizationRequiredException.class)
                .hasMessageContaining("InvalidAuthenticationToken");
    }

    @Test
    void aBadRequestIsRefusedWithGraphsCode() {
        graphFake.stubFor(post(urlPathEqualTo("/v1.0/me/sendMail")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(graphError("ErrorMimeContentInvalidBase64String",
                        "Invalid base64 string for MIME content."))));

        assertThatThrownBy(() -> graph.sendMime(TOKEN, MIME.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(EmailProviderRefusedException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.code()).isEqualTo("ErrorMimeContentInvalidBase64String");
                });
    }

    @Test
    void fetchMimeReturnsTheMessagesMime() {
        byte[] mime = MIME.getBytes(StandardCharsets.US_ASCII);
        graphFake.stubFor(get(urlPathEqualTo(MESSAGE_PATH + "/$value")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withBody(mime)));

        assertThat(graph.fetchMime(TOKEN, MESSAGE_ID)).isEqualTo(mime);
        graphFake.verify(getRequestedFor(urlPathEqualTo(MESSAGE_PATH + "/$value"))
                .withHeader("Authorization", equalTo(BEARER)));
    }

    @Test
    void fetchMimeOverTheLimitIsRefused() {
        byte[] large = new byte[MAX_MESSAGE_BYTES + 1];
        Arrays.fill(large, (byte) 'x');
        byte[] atTheLimit = Arrays.copyOf(large, MAX_MESSAGE_BYTES);
        graphFake.stubFor(get(urlPathEqualTo(MESSAGE_PATH + "/$value")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withBody(large)));
        graphFake.stubFor(get(urlPathEqualTo("/v1.0/me/messages/at-limit/$value")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "text/plain").withBody(atTheLimit)));

        assertThatThrownBy(() -> graph.fetchMime(TOKEN, MESSAGE_ID))
                .isInstanceOfSatisfying(EmailProviderRefusedException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(413);
                    assertThat(refused.code()).isEqualTo(GraphMailApi.MESSAGE_TOO_LARGE);
                });
        assertThat(graph.fetchMime(TOKEN, "at-limit")).isEqualTo(atTheLimit);
    }

    @Test
    void messageReadsTheThreadIdMessageIdArrivalAndSender() {
        graphFake.stubFor(get(urlPathEqualTo(MESSAGE_PATH)).willReturn(okJson("""
                {"id":"AAMkAGI2TG93AAA+x=","conversationId":"AAQkAGI2conv=",
                 "internetMessageId":"<q2@example.com>","receivedDateTime":"2026-11-28T09:30:00Z",
                 "from":{"emailAddress":{"name":"Ada Customer","address":"Ada@Example.com"}}}""")));

        GraphMailApi.GraphMessageInfo info = graph.message(TOKEN, MESSAGE_ID);

        assertThat(info).isEqualTo(new GraphMailApi.GraphMessageInfo(MESSAGE_ID, "AAQkAGI2conv=",
                "<q2@example.com>", Instant.parse("2026-11-28T09:30:00Z"),
                new EmailAddress("ada@example.com", "Ada Customer")));
        graphFake.verify(getRequestedFor(urlPathEqualTo(MESSAGE_PATH))
                .withQueryParam("$select", equalTo("id,conversationId,internetMessageId,receivedDateTime,from")));
    }

    @Test
    void meReadsTheMailboxAddress() {
        graphFake.stubFor(get(urlPathEqualTo("/v1.0/me")).willReturn(okJson(
                "{\"mail\":null,\"userPrincipalName\":\"support@shop.onmicrosoft.com\"}")));

        GraphMailApi.Me me = graph.me(TOKEN);

        assertThat(me.address()).isEqualTo("support@shop.onmicrosoft.com");
        graphFake.verify(getRequestedFor(urlPathEqualTo("/v1.0/me"))
                .withQueryParam("$select", equalTo("mail,userPrincipalName")));
    }

    private static Map<String, Object> message(String id) {
        return Map.of("id", id, "conversationId", "conv-" + id, "receivedDateTime", "2026-11-28T09:00:00Z");
    }

    private static String graphError(String code, String message) {
        return PayloadJson.write(Map.of("error", Map.of("code", code, "message", message)));
    }
}
