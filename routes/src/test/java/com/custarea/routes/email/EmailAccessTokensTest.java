package com.custarea.routes.email;

import static com.custarea.routes.email.EmailOAuthFlowTest.GOOGLE_TOKEN_PATH;
import static com.custarea.routes.email.EmailOAuthFlowTest.MICROSOFT_SCOPES;
import static com.custarea.routes.email.EmailOAuthFlowTest.MICROSOFT_TOKEN_PATH;
import static com.custarea.routes.email.EmailOAuthFlowTest.form;
import static com.custarea.routes.email.EmailOAuthFlowTest.json;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Refreshing access tokens against WireMock standing in for Google's and Microsoft's token endpoints. */
class EmailAccessTokensTest {

    private final WireMockServer provider = new WireMockServer(WireMockConfiguration.options()
            .bindAddress("127.0.0.1").dynamicPort());
    private final List<Map.Entry<UUID, String>> rotations = new CopyOnWriteArrayList<>();
    private final UUID channelId = UUID.randomUUID();
    private EmailAccessTokens tokens;

    @BeforeEach
    void start() {
        provider.start();
        tokens = new EmailAccessTokens(EmailOAuthFlowTest.settingsAgainst(provider),
                (channel, refreshToken) -> rotations.add(Map.entry(channel, refreshToken)));
    }

    @AfterEach
    void stop() {
        provider.stop();
    }

    @Test
    void aGoogleRefreshPostsTheRefreshFormAndItsTokenIsReusedUntilItNearlyExpires() {
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "ya29.fresh", "expires_in": 3599, "token_type": "Bearer",
                 "scope": "https://www.googleapis.com/auth/gmail.modify openid email"}""")));

        String first = tokens.accessToken(channelId, EmailProvider.GMAIL, "1//refresh");
        String second = tokens.accessToken(channelId, EmailProvider.GMAIL, "1//refresh");

        assertThat(first).isEqualTo("ya29.fresh");
        assertThat(second).isEqualTo("ya29.fresh");
        List<LoggedRequest> requests = provider.findAll(postRequestedFor(urlPathEqualTo(GOOGLE_TOKEN_PATH))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded")));
        assertThat(requests).hasSize(1);
        assertThat(form(requests.get(0))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "refresh_token",
                "refresh_token", "1//refresh",
                "client_id", "google-client",
                "client_secret", "google-secret"));
        assertThat(rotations).isEmpty();
    }

    @Test
    void aMicrosoftRefreshSendsTheScopesAndARotatedRefreshTokenReachesTheListener() {
        provider.stubFor(post(urlPathEqualTo(MICROSOFT_TOKEN_PATH)).willReturn(json(200, """
                {"token_type": "Bearer", "scope": "Mail.ReadWrite Mail.Send User.Read", "expires_in": 3600,
                 "ext_expires_in": 3600, "access_token": "eyJ0eXAi.graph", "refresh_token": "M.C5_BAY.rotated"}""")));

        String accessToken = tokens.accessToken(channelId, EmailProvider.OUTLOOK, "M.C5_BAY.old");

        assertThat(accessToken).isEqualTo("eyJ0eXAi.graph");
        assertThat(rotations).containsExactly(Map.entry(channelId, "M.C5_BAY.rotated"));
        assertThat(form(provider.findAll(postRequestedFor(urlPathEqualTo(MICROSOFT_TOKEN_PATH))).get(0)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "grant_type", "refresh_token",
                        "refresh_token", "M.C5_BAY.old",
                        "scope", MICROSOFT_SCOPES,
                        "client_id", "microsoft-client",
                        "client_secret", "microsoft-secret"));
    }

    @Test
    void whenTheRotatedTokenCannotBeStoredTheRefreshFailsAndNothingIsCached() {
        provider.stubFor(post(urlPathEqualTo(MICROSOFT_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "graph", "expires_in": 3600, "refresh_token": "M.C5_BAY.rotated"}""")));
        EmailAccessTokens failingStore = new EmailAccessTokens(EmailOAuthFlowTest.settingsAgainst(provider),
                (channel, refreshToken) -> {
                    throw new IllegalStateException("the database is down");
                });

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> failingStore.accessToken(channelId, EmailProvider.OUTLOOK, "M.C5_BAY.old"))
                    .hasMessage("the database is down");
        }
        provider.verify(2, postRequestedFor(urlPathEqualTo(MICROSOFT_TOKEN_PATH)));
    }

    @Test
    void theSameRefreshTokenIssuedAgainIsNoRotation() {
        provider.stubFor(post(urlPathEqualTo(MICROSOFT_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "graph", "expires_in": 3600, "refresh_token": "M.C5_BAY.same"}""")));

        tokens.accessToken(channelId, EmailProvider.OUTLOOK, "M.C5_BAY.same");

        assertThat(rotations).isEmpty();
    }

    @Test
    void aRevokedRefreshTokenRequiresReauthorizationAndIsNotCached() {
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(400, """
                {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}""")));

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> tokens.accessToken(channelId, EmailProvider.GMAIL, "1//revoked"))
                    .isInstanceOf(EmailReauthorizationRequiredException.class)
                    .hasMessageContaining("invalid_grant: Token has been expired or revoked.");
        }
        provider.verify(2, postRequestedFor(urlPathEqualTo(GOOGLE_TOKEN_PATH)));
    }

    @Test
    void aBusyTokenEndpointIsUnavailableForAsLongAsItsRetryAfter() {
        provider.stubFor(post(urlPathEqualTo(MICROSOFT_TOKEN_PATH)).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "7").withHeader("Content-Type", "text/html")
                .withBody("<html>Service Unavailable</html>")));

        assertThatThrownBy(() -> tokens.accessToken(channelId, EmailProvider.OUTLOOK, "M.C5_BAY.old"))
                .isInstanceOfSatisfying(EmailProviderUnavailableException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(7)))
                .hasMessageContaining("HTTP 503");
    }

    @Test
    void throttlingWithoutRetryAfterIsUnavailableWithNoDelayGiven() {
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(429, """
                {"error": "rate_limit_exceeded"}""")));

        assertThatThrownBy(() -> tokens.accessToken(channelId, EmailProvider.GMAIL, "1//refresh"))
                .isInstanceOfSatisfying(EmailProviderUnavailableException.class,
                        e -> assertThat(e.retryAfter()).isEmpty());
    }

    @Test
    void aBrokenConnectionIsUnavailable() {
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(aResponse()
                .withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> tokens.accessToken(channelId, EmailProvider.GMAIL, "1//refresh"))
                .isInstanceOf(EmailProviderUnavailableException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aRefusedClientIsNeitherReauthorizationNorUnavailability() {
        provider.stubFor(post(urlPathEqualTo(MICROSOFT_TOKEN_PATH)).willReturn(json(401, """
                {"error": "invalid_client",
                 "error_description": "AADSTS7000222: The provided client secret keys are expired."}""")));

        assertThatThrownBy(() -> tokens.accessToken(channelId, EmailProvider.OUTLOOK, "M.C5_BAY.old"))
                .isInstanceOfSatisfying(EmailOAuthException.class,
                        e -> assertThat(e.reason()).isEqualTo(EmailOAuthException.REFRESH_REFUSED))
                .hasMessageContaining("AADSTS7000222");
    }

    @Test
    void aTokenThatExpiresWithinTheMarginIsNotReused() {
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "ya29.short", "expires_in": 30}""")));

        tokens.accessToken(channelId, EmailProvider.GMAIL, "1//refresh");
        tokens.accessToken(channelId, EmailProvider.GMAIL, "1//refresh");

        provider.verify(2, postRequestedFor(urlPathEqualTo(GOOGLE_TOKEN_PATH)));
    }

    @Test
    void forgettingAChannelDropsItsTokenAndOtherChannelsHaveTheirOwn() {
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "ya29.fresh", "expires_in": 3599}""")));
        UUID otherChannel = UUID.randomUUID();

        tokens.accessToken(channelId, EmailProvider.GMAIL, "1//refresh");
        tokens.accessToken(otherChannel, EmailProvider.GMAIL, "1//other");
        tokens.forget(channelId);
        tokens.accessToken(channelId, EmailProvider.GMAIL, "1//refresh");
        tokens.accessToken(otherChannel, EmailProvider.GMAIL, "1//other");

        provider.verify(2, postRequestedFor(urlPathEqualTo(GOOGLE_TOKEN_PATH))
                .withRequestBody(containing("refresh_token=1%2F%2Frefresh")));
        provider.verify(1, postRequestedFor(urlPathEqualTo(GOOGLE_TOKEN_PATH))
                .withRequestBody(containing("refresh_token=1%2F%2Fother")));
    }

    @Test
    void concurrentCallersForOneChannelShareOneRefresh() {
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "ya29.shared", "expires_in": 3599}""").withFixedDelay(300)));
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<String>> answers = IntStream.range(0, 4)
                    .mapToObj(i -> CompletableFuture.<String>supplyAsync(
                            () -> tokens.accessToken(channelId, EmailProvider.GMAIL, "1//refresh"), callers))
                    .toList();

            assertThat(answers.stream().map(CompletableFuture::join)).containsOnly("ya29.shared");
        } finally {
            callers.shutdownNow();
        }
        provider.verify(1, postRequestedFor(urlPathEqualTo(GOOGLE_TOKEN_PATH)));
    }

    @Test
    void aChannelWithoutARefreshTokenMustBeConnectedAgain() {
        assertThatThrownBy(() -> tokens.accessToken(channelId, EmailProvider.GMAIL, " "))
                .isInstanceOf(EmailReauthorizationRequiredException.class);
    }
}
