package com.custarea.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.routes.api.ApiChannelRateLimits;
import com.custarea.schemas.Channel;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every operation of the dashboard API, as the OpenAPI document lists them, refuses a missing token, an unsigned
 * ({@code alg=none}) token and an expired one with 401, and nothing is written; a channel's system bursting over
 * its rate limit is told to wait, and only what was accepted is stored.
 */
class SecuritySweepIT extends DashboardIntegrationTest {

    /**
     * Operations that are public by design: sign-in, the channels' own signed endpoints, and the widget's API, which
     * checks its own visitor tokens (WidgetIT refuses forged, unsigned and dashboard tokens there).
     */
    private static final List<String> PUBLIC_PREFIXES = List.of("/api/auth/", "/api/v2/auth/", "/api/channels/api/",
            "/api/webhooks/", "/api/openapi", "/api/widget/", "/oauth/");
    private static final List<String> TABLES = List.of("contacts", "conversations", "messages", "tickets", "leads",
            "channels", "users", "workflows", "webhook_subscriptions", "contact_notes", "dlq_replays");

    @Autowired
    JwtKeys keys;

    @Test
    void everyProtectedOperationRefusesMissingUnsignedAndExpiredTokensAndWritesNothing() throws Exception {
        Session admin = registerTenant();
        Instant now = Instant.now();
        String unsigned = new PlainJWT(claims(admin, now, now.plusSeconds(600))).serialize();
        String expired = sign(claims(admin, now.minusSeconds(7200), now.minusSeconds(3600)));
        Map<String, Long> before = counts();

        JsonNode paths = api.get("/api/openapi.json", null).json().get("paths");
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            if (PUBLIC_PREFIXES.stream().anyMatch(path.getKey()::startsWith)) {
                continue;
            }
            String concrete = path.getKey().replace("{topic}", "inbound.messages")
                    .replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase();
                for (String token : new String[] {null, unsigned, expired, "not.a.token"}) {
                    JsonClient.Answer answer = api.send(method, concrete, token, "application/json", "{}");
                    assertThat(answer.status()).as(method + " " + concrete + " with " + token).isEqualTo(401);
                }
                checked.add(method + " " + path.getKey());
            }
        }
        assertThat(checked).as("the sweep covered the API").hasSizeGreaterThan(60)
                .contains("POST /api/workflows", "POST /api/webhook-subscriptions", "GET /api/ops/dlq",
                        "POST /api/messages", "PATCH /api/contacts/{id}");
        assertThat(counts()).isEqualTo(before);
        assertThat(api.get("/api/users/me", sign(claims(admin, now, now.plusSeconds(600)))).status())
                .as("the same claims, properly signed").isEqualTo(200);
    }

    @Test
    void aChannelsSystemBurstingTenfoldOverItsLimitIsToldToWaitAndOnlyWhatWasAcceptedIsStored() throws Exception {
        UUID tenantId = tenants.create("Burst " + UUID.randomUUID());
        String secret = randomSecret();
        UUID channelId = channels.create(tenantId, Channel.API, "Bursty", Map.of(ApiChannelRateLimits.SETTING, "5"),
                secret, false).id();
        List<Callable<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String body = "{\"messageId\":\"burst-" + i + "\",\"sender\":{\"id\":\"bursty\"},\"text\":\"hi\"}";
            burst.add(() -> client.postMessage(channelId, secret, body));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<HttpResponse<String>> answers = new ArrayList<>();
        try {
            for (Future<HttpResponse<String>> answer : pool.invokeAll(burst)) {
                answers.add(answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<HttpResponse<String>> accepted = answers.stream().filter(answer -> answer.statusCode() == 202).toList();
        List<HttpResponse<String>> limited = answers.stream().filter(answer -> answer.statusCode() == 429).toList();
        assertThat(accepted.size() + limited.size()).isEqualTo(50);
        // 5 per second: a burst that straddles a second boundary may get a second allowance
        assertThat(accepted).hasSizeBetween(5, 15);
        assertThat(limited).allSatisfy(answer -> {
            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("application/problem+json"));
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(rows(
                "SELECT id FROM messages WHERE tenant_id = :t", Map.of("t", tenantId))).hasSize(accepted.size()));
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(table, jdbc.queryForObject("SELECT count(*) FROM " + table, Map.of(), Long.class));
        }
        return counts;
    }

    private String sign(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(keys.signingKey().getEncoded()));
        return jwt.serialize();
    }

    private static JWTClaimsSet claims(Session session, Instant issued, Instant expires) {
        return new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).audience(AccessTokens.AUDIENCE)
                .subject(session.userId().toString()).claim(AccessTokens.TENANT_CLAIM, session.tenantId().toString())
                .claim(AccessTokens.ROLE_CLAIM, "admin").issueTime(Date.from(issued))
                .expirationTime(Date.from(expires)).build();
    }
}
