package com.custarea.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.custarea.app.security.AccessTokens;
import com.custarea.app.security.JwtKeys;
import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class AuthIT extends DashboardIntegrationTest {

    @Autowired
    JwtKeys keys;

    @Test
    void registerThenSignInWithThePasswordAndCallTheApi() {
        Session admin = registerTenant();

        JsonClient.Answer me = api.get("/api/users/me", admin.accessToken());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("role").asText()).isEqualTo("admin");
        assertThat(me.json().has("passwordHash")).isFalse();

        JsonClient.Answer login = api.post("/api/auth/login", null, json(Map.of("email", admin.email(),
                "password", "correct horse battery")));
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.json().get("tokenType").asText()).isEqualTo("Bearer");
        assertThat(login.json().get("expiresIn").asLong()).isEqualTo(900);
    }

    @Test
    void badRegistrationsAndWrongPasswordsAreRefused() {
        Session admin = registerTenant();

        JsonClient.Answer taken = api.post("/api/auth/register", null, json(Map.of("tenantName", "Again",
                "name", "Again", "email", admin.email(), "password", "correct horse battery")));
        assertThat(taken.status()).isEqualTo(409);
        JsonClient.Answer weak = api.post("/api/auth/register", null, json(Map.of("tenantName", "Weak",
                "name", "Weak", "email", "weak-" + UUID.randomUUID() + "@x.example", "password", "short")));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/password");
        JsonClient.Answer wrong = api.post("/api/auth/login", null, json(Map.of("email", admin.email(),
                "password", "not the password")));
        assertThat(wrong.status()).isEqualTo(401);
        JsonClient.Answer nobody = api.post("/api/auth/login", null, json(Map.of("email", "nobody@x.example",
                "password", "not the password")));
        assertThat(nobody.status()).isEqualTo(401);
        assertThat(nobody.json().get("detail")).isEqualTo(wrong.json().get("detail"));
    }

    @Test
    void refreshTokensRotateAndAReusedOneRevokesTheSignIn() {
        Session admin = registerTenant();

        JsonClient.Answer first = api.post("/api/auth/refresh", null, json(Map.of("refreshToken",
                admin.refreshToken())));
        assertThat(first.status()).isEqualTo(200);
        String rotated = first.json().get("refreshToken").asText();
        assertThat(rotated).isNotEqualTo(admin.refreshToken());
        assertThat(api.get("/api/users/me", first.json().get("accessToken").asText()).status()).isEqualTo(200);

        // the old token again: a replay, so the whole family goes
        assertThat(api.post("/api/auth/refresh", null, json(Map.of("refreshToken", admin.refreshToken()))).status())
                .isEqualTo(401);
        assertThat(api.post("/api/auth/refresh", null, json(Map.of("refreshToken", rotated))).status())
                .isEqualTo(401);
    }

    @Test
    void logoutRevokesTheRefreshToken() {
        Session admin = registerTenant();

        assertThat(api.post("/api/auth/logout", null, json(Map.of("refreshToken", admin.refreshToken()))).status())
                .isEqualTo(204);
        assertThat(api.post("/api/auth/refresh", null, json(Map.of("refreshToken", admin.refreshToken()))).status())
                .isEqualTo(401);
    }

    @Test
    void aOneTimeCodeSignsInOnceAndAWrongCodeDoesNot() {
        Session admin = registerTenant();

        JsonClient.Answer sent = api.post("/api/v2/auth/otp/send", null, json(Map.of("email", admin.email())));
        assertThat(sent.status()).isEqualTo(202);
        String code = await().atMost(Duration.ofSeconds(30)).until(() -> codeIn(admin.email()), found -> found != null);

        assertThat(api.post("/api/v2/auth/otp/verify", null, json(Map.of("email", admin.email(),
                "code", code.equals("000000") ? "111111" : "000000"))).status()).isEqualTo(401);
        JsonClient.Answer verified = api.post("/api/v2/auth/otp/verify", null, json(Map.of("email", admin.email(),
                "code", code)));
        assertThat(verified.status()).isEqualTo(200);
        assertThat(api.get("/api/users/me", verified.json().get("accessToken").asText()).status()).isEqualTo(200);
        assertThat(api.post("/api/v2/auth/otp/verify", null, json(Map.of("email", admin.email(), "code", code)))
                .status()).isEqualTo(401);
    }

    @Test
    void codeRequestsAreRateLimitedPerAddressAndAnswerTheSameForUnknownAddresses() {
        String unknown = "unknown-" + UUID.randomUUID() + "@x.example";
        JsonClient.Answer answer = null;
        for (int i = 0; i < 3; i++) {
            answer = api.post("/api/v2/auth/otp/send", null, json(Map.of("email", unknown)));
            assertThat(answer.status()).isEqualTo(202);
        }
        JsonClient.Answer limited = api.post("/api/v2/auth/otp/send", null, json(Map.of("email", unknown)));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotNull();
        assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
        assertThat(rows("SELECT id FROM otp_codes WHERE email = :email", Map.of("email", unknown))).isEmpty();
    }

    @Test
    void forgedExpiredAndMisaddressedTokensAreRefused() throws Exception {
        Session admin = registerTenant();
        Instant now = Instant.now();
        JWTClaimsSet valid = claims(admin, now, AccessTokens.AUDIENCE, AccessTokens.ISSUER, now.plusSeconds(600));

        assertThat(api.get("/api/users/me", sign(valid, keys.signingKey().getEncoded(), JWSAlgorithm.HS256))
                .status()).as("a well-formed token").isEqualTo(200);
        for (String forged : List.of(
                new PlainJWT(valid).serialize(),
                sign(claims(admin, now.minusSeconds(3600), AccessTokens.AUDIENCE, AccessTokens.ISSUER,
                        now.minusSeconds(1800)), keys.signingKey().getEncoded(), JWSAlgorithm.HS256),
                sign(claims(admin, now, "another-audience", AccessTokens.ISSUER, now.plusSeconds(600)),
                        keys.signingKey().getEncoded(), JWSAlgorithm.HS256),
                sign(claims(admin, now, AccessTokens.AUDIENCE, "someone-else", now.plusSeconds(600)),
                        keys.signingKey().getEncoded(), JWSAlgorithm.HS256),
                sign(valid, new byte[32], JWSAlgorithm.HS256),
                sign(valid, keys.signingKey().getEncoded(), JWSAlgorithm.HS384),
                "not.a.token")) {
            JsonClient.Answer answer = api.get("/api/users/me", forged);
            assertThat(answer.status()).as(forged).isEqualTo(401);
            assertThat(answer.json().get("type").asText()).endsWith("/unauthenticated");
        }
        assertThat(api.get("/api/users/me", null).status()).isEqualTo(401);
    }

    private String codeIn(String email) {
        List<String> texts = jdbc.queryForList("SELECT text FROM sandbox_outbox WHERE recipient = :to "
                + "ORDER BY created_at DESC LIMIT 1", Map.of("to", email), String.class);
        if (texts.isEmpty()) {
            return null;
        }
        Matcher code = Pattern.compile("code is (\\d{6})").matcher(texts.get(0));
        return code.find() ? code.group(1) : null;
    }

    private static JWTClaimsSet claims(Session session, Instant issued, String audience, String issuer,
                                       Instant expires) {
        return new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(session.userId().toString())
                .claim(AccessTokens.TENANT_CLAIM, session.tenantId().toString())
                .claim(AccessTokens.ROLE_CLAIM, "admin").issueTime(Date.from(issued))
                .expirationTime(Date.from(expires)).build();
    }

    private static String sign(JWTClaimsSet claims, byte[] key, JWSAlgorithm algorithm) throws Exception {
        byte[] material = key.length >= 48 ? key : java.util.Arrays.copyOf(key, 64);
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        jwt.sign(new MACSigner(algorithm == JWSAlgorithm.HS256 ? key : material));
        return jwt.serialize();
    }
}
