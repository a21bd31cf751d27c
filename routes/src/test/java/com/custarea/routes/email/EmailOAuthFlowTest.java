package com.custarea.routes.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.custarea.routes.support.FormEncoding;
import com.custarea.routes.support.PublicUrls;
import com.custarea.routes.support.SecretCipher;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The authorization-code flow against WireMock standing in for Google's and Microsoft's token endpoints. */
class EmailOAuthFlowTest {

    static final String PUBLIC_BASE_URL = "https://custarea.example";
    static final String GOOGLE_TOKEN_PATH = "/token";
    static final String MICROSOFT_TOKEN_PATH = "/common/oauth2/v2.0/token";
    static final String MICROSOFT_SCOPES = "offline_access openid email https://graph.microsoft.com/Mail.ReadWrite"
            + " https://graph.microsoft.com/Mail.Send https://graph.microsoft.com/User.Read";

    private static RSAKey signingKey;

    private final WireMockServer provider = new WireMockServer(WireMockConfiguration.options()
            .bindAddress("127.0.0.1").dynamicPort());
    private final SecretCipher cipher = new SecretCipher(randomKey());
    private final InMemoryStates states = new InMemoryStates();
    private final UUID tenantId = UUID.randomUUID();
    private final UUID userId = UUID.randomUUID();
    private EmailOAuthFlow flow;

    @BeforeAll
    static void generateSigningKey() throws Exception {
        signingKey = new RSAKeyGenerator(2048).generate();
    }

    @BeforeEach
    void start() {
        provider.start();
        flow = new EmailOAuthFlow(settingsAgainst(provider), states, cipher);
    }

    @AfterEach
    void stop() {
        provider.stop();
    }

    /** Both providers configured, their endpoints on {@code provider}. */
    static EmailOAuthSettings settingsAgainst(WireMockServer provider) {
        return new EmailOAuthSettings(new PublicUrls(PUBLIC_BASE_URL),
                "google-client", "google-secret", baseUrl(provider) + "/o/oauth2/v2/auth",
                baseUrl(provider) + GOOGLE_TOKEN_PATH, "https://www.googleapis.com/auth/gmail.modify openid email",
                "",
                "microsoft-client", "microsoft-secret", "common", baseUrl(provider) + "/", MICROSOFT_SCOPES, "",
                Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @Test
    void theGoogleConsentUrlCarriesEveryParameterAndTheChallengeOfTheStoredVerifier() {
        URI url = flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL);

        assertThat(url.getScheme() + "://" + url.getAuthority() + url.getPath())
                .isEqualTo(baseUrl(provider) + "/o/oauth2/v2/auth");
        Map<String, String> query = query(url);
        assertThat(query).containsOnlyKeys("response_type", "client_id", "redirect_uri", "scope", "state",
                "code_challenge", "code_challenge_method", "access_type", "prompt", "include_granted_scopes");
        assertThat(query).containsEntry("response_type", "code")
                .containsEntry("client_id", "google-client")
                .containsEntry("redirect_uri", "https://custarea.example/oauth/google")
                .containsEntry("scope", "https://www.googleapis.com/auth/gmail.modify openid email")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("access_type", "offline")
                .containsEntry("prompt", "consent")
                .containsEntry("include_granted_scopes", "true");
        assertThat(url.getRawQuery()).contains("scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fgmail.modify%20openid");

        String state = query.get("state");
        assertThat(Base64.getUrlDecoder().decode(state)).hasSize(32);
        EmailOAuthStates.PendingAuthorization stored = states.only();
        assertThat(stored.stateHash()).isEqualTo(sha256Hex(state)).doesNotContain(state);
        assertThat(stored.tenantId()).isEqualTo(tenantId);
        assertThat(stored.userId()).isEqualTo(userId);
        assertThat(stored.provider()).isEqualTo(EmailProvider.GMAIL);
        assertThat(stored.expiresAt()).isCloseTo(Instant.now().plus(Duration.ofMinutes(10)),
                within(5, ChronoUnit.SECONDS));

        String verifier = cipher.decrypt(stored.sealedCodeVerifier(), tenantId.toString());
        assertThat(stored.sealedCodeVerifier()).doesNotContain(verifier);
        assertThat(verifier).hasSizeBetween(43, 128).matches("[A-Za-z0-9._~-]+");
        assertThat(query.get("code_challenge")).isEqualTo(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sha256(verifier)));
    }

    @Test
    void theMicrosoftConsentUrlAsksForTheQueryResponseModeAndAnAccountChoice() {
        URI url = flow.authorizationUrl(tenantId, userId, EmailProvider.OUTLOOK);

        assertThat(url.getScheme() + "://" + url.getAuthority() + url.getPath())
                .isEqualTo(baseUrl(provider) + "/common/oauth2/v2.0/authorize");
        Map<String, String> query = query(url);
        assertThat(query).containsOnlyKeys("response_type", "client_id", "redirect_uri", "scope", "state",
                "code_challenge", "code_challenge_method", "response_mode", "prompt");
        assertThat(query).containsEntry("response_type", "code")
                .containsEntry("client_id", "microsoft-client")
                .containsEntry("redirect_uri", "https://custarea.example/oauth/microsoft")
                .containsEntry("scope", MICROSOFT_SCOPES)
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("response_mode", "query")
                .containsEntry("prompt", "select_account");
        EmailOAuthStates.PendingAuthorization stored = states.only();
        assertThat(stored.provider()).isEqualTo(EmailProvider.OUTLOOK);
        assertThat(query.get("code_challenge")).isEqualTo(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sha256(cipher.decrypt(stored.sealedCodeVerifier(), tenantId.toString()))));
    }

    @Test
    void eachConsentUrlHasItsOwnStateAndVerifier() {
        Map<String, String> first = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL));
        Map<String, String> second = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL));

        assertThat(second.get("state")).isNotEqualTo(first.get("state"));
        assertThat(second.get("code_challenge")).isNotEqualTo(first.get("code_challenge"));
        assertThat(states.size()).isEqualTo(2);
    }

    @Test
    void aProviderWithoutClientSettingsIsNotConfigured() {
        EmailOAuthSettings googleOnly = new EmailOAuthSettings(new PublicUrls(PUBLIC_BASE_URL),
                "google-client", "google-secret", baseUrl(provider) + "/auth", baseUrl(provider) + "/token",
                "openid email", "", "", "", "common", baseUrl(provider), MICROSOFT_SCOPES, "",
                Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(5));
        EmailOAuthFlow partial = new EmailOAuthFlow(googleOnly, states, cipher);

        assertThat(googleOnly.configured(EmailProvider.GMAIL)).isTrue();
        assertThat(googleOnly.configured(EmailProvider.OUTLOOK)).isFalse();
        assertThat(googleOnly.configured(EmailProvider.SES)).isFalse();
        assertThatThrownBy(() -> partial.authorizationUrl(tenantId, userId, EmailProvider.OUTLOOK))
                .isInstanceOfSatisfying(EmailOAuthException.class,
                        e -> assertThat(e.reason()).isEqualTo(EmailOAuthException.NOT_CONFIGURED));
        assertThat(states.size()).isZero();
    }

    @Test
    void withoutAPublicBaseUrlOrRedirectUriNoProviderIsConfigured() {
        EmailOAuthSettings noBase = new EmailOAuthSettings(new PublicUrls(""),
                "google-client", "google-secret", baseUrl(provider) + "/auth", baseUrl(provider) + "/token",
                "openid email", "", "microsoft-client", "microsoft-secret", "common", baseUrl(provider),
                MICROSOFT_SCOPES, "https://other.example/callbacks/microsoft",
                Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(5));

        assertThat(noBase.configured(EmailProvider.GMAIL)).isFalse();
        assertThat(noBase.require(EmailProvider.OUTLOOK).redirectUri())
                .isEqualTo("https://other.example/callbacks/microsoft");
        assertThat(noBase.require(EmailProvider.OUTLOOK).toString()).doesNotContain("microsoft-secret");
    }

    @Test
    void completingPostsTheExactFormAndReturnsTheGrantWithTheIdTokensAddress() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL)).get("state");
        String verifier = cipher.decrypt(states.only().sealedCodeVerifier(), tenantId.toString());
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "ya29.access", "expires_in": 3599, "refresh_token": "1//refresh",
                 "scope": "https://www.googleapis.com/auth/gmail.modify openid email", "token_type": "Bearer",
                 "id_token": "%s"}""".formatted(idToken(Map.of("email", "support@acme.example",
                "email_verified", true))))));

        EmailOAuthFlow.Grant grant = flow.complete(EmailProvider.GMAIL, state, "4/0AX4code+with/odd=chars");

        assertThat(grant.tenantId()).isEqualTo(tenantId);
        assertThat(grant.userId()).isEqualTo(userId);
        assertThat(grant.provider()).isEqualTo(EmailProvider.GMAIL);
        assertThat(grant.refreshToken()).isEqualTo("1//refresh");
        assertThat(grant.accessToken()).isEqualTo("ya29.access");
        assertThat(grant.accessTokenExpiresAt()).isCloseTo(Instant.now().plusSeconds(3599),
                within(5, ChronoUnit.SECONDS));
        assertThat(grant.email()).isEqualTo("support@acme.example");
        assertThat(grant.toString()).doesNotContain("1//refresh", "ya29.access");

        List<LoggedRequest> requests = provider.findAll(postRequestedFor(urlPathEqualTo(GOOGLE_TOKEN_PATH))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded")));
        assertThat(requests).hasSize(1);
        assertThat(form(requests.get(0))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "authorization_code",
                "code", "4/0AX4code+with/odd=chars",
                "redirect_uri", "https://custarea.example/oauth/google",
                "client_id", "google-client",
                "client_secret", "google-secret",
                "code_verifier", verifier));
        assertThat(states.size()).isZero();
    }

    @Test
    void microsoftsAddressComesFromPreferredUsernameWhenTheIdTokenHasNoEmail() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.OUTLOOK)).get("state");
        String verifier = cipher.decrypt(states.only().sealedCodeVerifier(), tenantId.toString());
        provider.stubFor(post(urlPathEqualTo(MICROSOFT_TOKEN_PATH))
                .withFormParam("code_verifier", equalTo(verifier))
                .withFormParam("client_secret", equalTo("microsoft-secret"))
                .willReturn(json(200, """
                        {"token_type": "Bearer", "scope": "Mail.ReadWrite Mail.Send User.Read", "expires_in": 4371,
                         "ext_expires_in": 4371, "access_token": "eyJ0eXAi.graph", "refresh_token": "M.C5_BAY.refresh",
                         "id_token": "%s"}""".formatted(idToken(Map.of("preferred_username", "help@contoso.example",
                        "name", "Contoso Help"))))));

        EmailOAuthFlow.Grant grant = flow.complete(EmailProvider.OUTLOOK, state, "M.C5_code");

        assertThat(grant.email()).isEqualTo("help@contoso.example");
        assertThat(grant.refreshToken()).isEqualTo("M.C5_BAY.refresh");
        assertThat(grant.accessToken()).isEqualTo("eyJ0eXAi.graph");
        assertThat(form(provider.findAll(postRequestedFor(urlPathEqualTo(MICROSOFT_TOKEN_PATH))).get(0)))
                .containsEntry("grant_type", "authorization_code")
                .containsEntry("code", "M.C5_code")
                .containsEntry("redirect_uri", "https://custarea.example/oauth/microsoft")
                .containsEntry("client_id", "microsoft-client");
    }

    @Test
    void aTamperedStateIsRefusedWithoutCallingTheTokenEndpoint() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL)).get("state");
        String tampered = (state.charAt(0) == 'A' ? "B" : "A") + state.substring(1);

        assertInvalidState(() -> flow.complete(EmailProvider.GMAIL, tampered, "code"));
        assertInvalidState(() -> flow.complete(EmailProvider.GMAIL, "", "code"));
        assertInvalidState(() -> flow.complete(EmailProvider.GMAIL, null, "code"));
        assertInvalidState(() -> flow.complete(EmailProvider.GMAIL, state + "x".repeat(200), "code"));

        provider.verify(0, anyRequestedFor(anyUrl()));
        assertThat(states.size()).isEqualTo(1);
    }

    @Test
    void aReusedStateIsRefusedWithoutASecondCall() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL)).get("state");
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "a", "expires_in": 3599, "refresh_token": "r", "id_token": "%s"}"""
                .formatted(idToken(Map.of("email", "support@acme.example"))))));
        flow.complete(EmailProvider.GMAIL, state, "code");

        assertInvalidState(() -> flow.complete(EmailProvider.GMAIL, state, "code"));

        provider.verify(1, postRequestedFor(urlPathEqualTo(GOOGLE_TOKEN_PATH)));
    }

    @Test
    void anExpiredStateIsRefusedWithoutCallingTheTokenEndpoint() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL)).get("state");
        states.advance(Duration.ofMinutes(10).plusSeconds(1));

        assertInvalidState(() -> flow.complete(EmailProvider.GMAIL, state, "code"));

        provider.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aStateIssuedForTheOtherProviderIsRefusedWithoutCallingTheTokenEndpoint() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL)).get("state");

        assertInvalidState(() -> flow.complete(EmailProvider.OUTLOOK, state, "code"));

        provider.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aCallbackWithoutACodeUsesTheStateUp() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL)).get("state");

        assertThatThrownBy(() -> flow.complete(EmailProvider.GMAIL, state, null))
                .isInstanceOfSatisfying(EmailOAuthException.class,
                        e -> assertThat(e.reason()).isEqualTo(EmailOAuthException.MISSING_CODE));

        assertThat(states.size()).isZero();
        provider.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aRefusedCodeIsAnInvalidGrantWithTheProvidersDescription() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL)).get("state");
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(400, """
                {"error": "invalid_grant", "error_description": "Malformed auth code."}""")));

        assertThatThrownBy(() -> flow.complete(EmailProvider.GMAIL, state, "code"))
                .isInstanceOfSatisfying(EmailOAuthException.class,
                        e -> assertThat(e.reason()).isEqualTo(EmailOAuthException.INVALID_GRANT))
                .hasMessageContaining("HTTP 400 invalid_grant: Malformed auth code.");
    }

    @Test
    void anotherTokenEndpointErrorIsAFailedExchange() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.OUTLOOK)).get("state");
        provider.stubFor(post(urlPathEqualTo(MICROSOFT_TOKEN_PATH)).willReturn(json(401, """
                {"error": "invalid_client",
                 "error_description": "AADSTS7000215: Invalid client secret provided."}""")));

        assertThatThrownBy(() -> flow.complete(EmailProvider.OUTLOOK, state, "code"))
                .isInstanceOfSatisfying(EmailOAuthException.class,
                        e -> assertThat(e.reason()).isEqualTo(EmailOAuthException.EXCHANGE_FAILED))
                .hasMessageContaining("invalid_client: AADSTS7000215");
    }

    @Test
    void anAnswerWithoutARefreshTokenIsRefused() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL)).get("state");
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "a", "expires_in": 3599, "id_token": "%s"}"""
                .formatted(idToken(Map.of("email", "support@acme.example"))))));

        assertThatThrownBy(() -> flow.complete(EmailProvider.GMAIL, state, "code"))
                .isInstanceOfSatisfying(EmailOAuthException.class,
                        e -> assertThat(e.reason()).isEqualTo(EmailOAuthException.NO_REFRESH_TOKEN));
    }

    @Test
    void anIdTokenWithoutAnAddressIsRefused() {
        String state = query(flow.authorizationUrl(tenantId, userId, EmailProvider.GMAIL)).get("state");
        provider.stubFor(post(urlPathEqualTo(GOOGLE_TOKEN_PATH)).willReturn(json(200, """
                {"access_token": "a", "expires_in": 3599, "refresh_token": "r", "id_token": "%s"}"""
                .formatted(idToken(Map.of("preferred_username", "support@acme.example"))))));

        assertThatThrownBy(() -> flow.complete(EmailProvider.GMAIL, state, "code"))
                .isInstanceOfSatisfying(EmailOAuthException.class,
                        e -> assertThat(e.reason()).isEqualTo(EmailOAuthException.NO_EMAIL));
    }

    private static void assertInvalidState(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EmailOAuthException.class,
                e -> assertThat(e.reason()).isEqualTo(EmailOAuthException.INVALID_STATE));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** An ID token as a provider issues it: RS256-signed, with {@code claims} besides the usual ones. */
    private static String idToken(Map<String, Object> claims) {
        try {
            JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer("https://issuer.example")
                    .subject("10769150350006150715113082367").audience("client")
                    .issueTime(new java.util.Date()).expirationTime(new java.util.Date(
                            System.currentTimeMillis() + 3_600_000));
            claims.forEach(builder::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID())
                    .build(), builder.build());
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The form a request posted, decoded strictly (a repeated parameter fails). */
    static Map<String, String> form(LoggedRequest request) {
        return FormEncoding.decode(request.getBodyAsString());
    }

    /** By address, not "localhost", so the JDK client never tries ::1 first. */
    static String baseUrl(WireMockServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    private static Map<String, String> query(URI url) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static String sha256Hex(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** The state table in memory, with a clock the test moves; expiry is judged as the SQL does. */
    static final class InMemoryStates implements EmailOAuthStates {

        private final Map<String, PendingAuthorization> rows = new ConcurrentHashMap<>();
        private Duration skew = Duration.ZERO;

        @Override
        public void save(PendingAuthorization pending) {
            if (rows.putIfAbsent(pending.stateHash(), pending) != null) {
                throw new IllegalStateException("duplicate state hash");
            }
        }

        @Override
        public Optional<PendingAuthorization> consume(String stateHash, EmailProvider provider) {
            PendingAuthorization row = rows.get(stateHash);
            if (row == null || row.provider() != provider || !row.expiresAt().isAfter(Instant.now().plus(skew))) {
                return Optional.empty();
            }
            return rows.remove(stateHash, row) ? Optional.of(row) : Optional.empty();
        }

        void advance(Duration duration) {
            skew = skew.plus(duration);
        }

        int size() {
            return rows.size();
        }

        PendingAuthorization only() {
            assertThat(rows).hasSize(1);
            return rows.values().iterator().next();
        }
    }
}
