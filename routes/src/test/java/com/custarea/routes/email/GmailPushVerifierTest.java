package com.custarea.routes.email;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import com.custarea.schemas.PayloadJson;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pub/Sub push tokens signed in the test, verified against WireMock serving the key as Google's JWKS. */
class GmailPushVerifierTest {

    private static final String JWKS_PATH = "/oauth2/v3/certs";
    private static final String AUDIENCE = "https://custarea.example/webhooks/email/gmail";
    private static final String SERVICE_ACCOUNT = "gmail-push@custarea.iam.gserviceaccount.com";
    private static final String KEY_ID = "google-key-1";

    private static RSAKey googleKey;
    private static RSAKey otherKey;

    @RegisterExtension
    static WireMockExtension google = WireMockExtension.newInstance()
            .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
            .build();

    private GmailPushVerifier verifier;

    @BeforeAll
    static void generateKeys() throws Exception {
        googleKey = new RSAKeyGenerator(2048).keyID(KEY_ID).generate();
        // the same key id as Google's: only the signature can tell them apart
        otherKey = new RSAKeyGenerator(2048).keyID(KEY_ID).generate();
    }

    @BeforeEach
    void serveJwks() {
        google.stubFor(get(urlPathEqualTo(JWKS_PATH))
                .willReturn(okJson(new JWKSet(googleKey.toPublicJWK()).toString())));
        verifier = new GmailPushVerifier(google.baseUrl() + JWKS_PATH, AUDIENCE, SERVICE_ACCOUNT);
    }

    @Test
    void aTokenGoogleSignedForUsIsAccepted() throws Exception {
        assertThat(verifier.verify("Bearer " + token(googleKey, claims().build()))).isTrue();
        assertThat(verifier.verify("bearer " + token(googleKey, claims().issuer("accounts.google.com").build())))
                .isTrue();
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        assertThat(verifier.verify("Bearer " + token(googleKey,
                claims().audience("https://elsewhere.example/push").build()))).isFalse();
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() throws Exception {
        assertThat(verifier.verify("Bearer " + token(googleKey,
                claims().issuer("https://login.microsoftonline.com/common/v2.0").build()))).isFalse();
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        Instant twoHoursAgo = Instant.now().minus(2, ChronoUnit.HOURS);
        assertThat(verifier.verify("Bearer " + token(googleKey, claims()
                .issueTime(Date.from(twoHoursAgo))
                .expirationTime(Date.from(twoHoursAgo.plus(1, ChronoUnit.HOURS)))
                .build()))).isFalse();
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        assertThat(verifier.verify("Bearer " + token(otherKey, claims().build()))).isFalse();
    }

    @Test
    void aTokenSignedWithAnotherAlgorithmIsRefused() throws Exception {
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY_ID).build(),
                claims().build());
        hmac.sign(new MACSigner(new byte[32]));

        assertThat(verifier.verify("Bearer " + hmac.serialize())).isFalse();
    }

    @Test
    void aTokenForAnotherServiceAccountOrAnUnverifiedEmailIsRefused() throws Exception {
        assertThat(verifier.verify("Bearer " + token(googleKey,
                claims().claim("email", "someone-else@attacker.iam.gserviceaccount.com").build()))).isFalse();
        assertThat(verifier.verify("Bearer " + token(googleKey, claims().claim("email_verified", false).build())))
                .isFalse();
    }

    @Test
    void anyServiceAccountIsAcceptedWhenNoneIsConfigured() throws Exception {
        GmailPushVerifier anyAccount = new GmailPushVerifier(google.baseUrl() + JWKS_PATH, AUDIENCE, "");

        assertThat(anyAccount.verify("Bearer " + token(googleKey,
                claims().claim("email", "other@project.iam.gserviceaccount.com").build()))).isTrue();
    }

    @Test
    void noOrAMalformedHeaderIsRefused() {
        assertThat(verifier.verify(null)).isFalse();
        assertThat(verifier.verify("")).isFalse();
        assertThat(verifier.verify("Bearer")).isFalse();
        assertThat(verifier.verify("Bearer not-a-jwt")).isFalse();
        assertThat(verifier.verify("Basic dXNlcjpwYXNz")).isFalse();
    }

    @Test
    void everyPushIsRefusedWhenNoAudienceIsConfigured() throws Exception {
        GmailPushVerifier unconfigured = new GmailPushVerifier(google.baseUrl() + JWKS_PATH, " ", SERVICE_ACCOUNT);

        assertThat(unconfigured.configured()).isFalse();
        assertThat(unconfigured.verify("Bearer " + token(googleKey, claims().build()))).isFalse();
    }

    @Test
    void decodeReadsTheMailboxAndHistoryIdOfThePush() {
        byte[] body = push(PayloadJson.write(Map.of("emailAddress", "support@shop.example", "historyId", 9876543210L)),
                "2070443601311540");

        GmailPushVerifier.PushNotice notice = GmailPushVerifier.decode(body);

        assertThat(notice).isEqualTo(new GmailPushVerifier.PushNotice("support@shop.example", "9876543210",
                "2070443601311540"));
    }

    @Test
    void decodeAcceptsAHistoryIdWrittenAsAString() {
        byte[] body = push("{\"emailAddress\":\"support@shop.example\",\"historyId\":\"12345\"}", null);

        assertThat(GmailPushVerifier.decode(body).historyId()).isEqualTo("12345");
        assertThat(GmailPushVerifier.decode(body).messageId()).isNull();
    }

    @Test
    void decodeRefusesAnythingButAGmailPush() {
        assertThatThrownBy(() -> GmailPushVerifier.decode(new byte[0])).isInstanceOf(InvalidPushException.class);
        assertThatThrownBy(() -> GmailPushVerifier.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidPushException.class);
        assertThatThrownBy(() -> GmailPushVerifier.decode("{\"message\":{}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidPushException.class);
        assertThatThrownBy(() -> GmailPushVerifier.decode(
                "{\"message\":{\"data\":\"%%%\"}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidPushException.class);
        assertThatThrownBy(() -> GmailPushVerifier.decode(push("[1,2]", "1")))
                .isInstanceOf(InvalidPushException.class);
        assertThatThrownBy(() -> GmailPushVerifier.decode(push("{\"historyId\":1}", "1")))
                .isInstanceOf(InvalidPushException.class);
        assertThatThrownBy(() -> GmailPushVerifier.decode(push("{\"emailAddress\":\"a@b.example\"}", "1")))
                .isInstanceOf(InvalidPushException.class);
        assertThatThrownBy(() -> GmailPushVerifier.decode(
                push("{\"emailAddress\":\"a@b.example\",\"historyId\":\"-1\"}", "1")))
                .isInstanceOf(InvalidPushException.class);
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer("https://accounts.google.com")
                .audience(AUDIENCE)
                .subject("113774264463038321964")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(1, ChronoUnit.HOURS)))
                .claim("azp", "113774264463038321964")
                .claim("email", SERVICE_ACCOUNT)
                .claim("email_verified", true);
    }

    private static String token(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** A Pub/Sub push envelope around {@code data}, as Pub/Sub POSTs it. */
    private static byte[] push(String data, String messageId) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("data", Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)));
        if (messageId != null) {
            message.put("messageId", messageId);
            message.put("message_id", messageId);
        }
        message.put("publishTime", "2026-11-28T10:15:30.123Z");
        return PayloadJson.write(Map.of("message", message,
                "subscription", "projects/custarea/subscriptions/gmail-push")).getBytes(StandardCharsets.UTF_8);
    }
}
