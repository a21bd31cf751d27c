package com.custarea.app.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import com.custarea.routes.api.ApiCallbackRequestBuilder;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;

/** The base of the dashboard API tests: signs up tenants and invites agents through the API itself. */
public abstract class DashboardIntegrationTest extends PipelineIntegrationTest {

    protected JsonClient api;

    @BeforeEach
    void apiClient() {
        api = new JsonClient(port);
    }

    /** A signed-in user of a tenant. */
    public record Session(UUID tenantId, UUID userId, String email, String accessToken, String refreshToken) {
    }

    /** Registers a new tenant and returns its admin's session. */
    protected Session registerTenant() {
        String email = "admin-" + UUID.randomUUID() + "@tenant.example";
        JsonClient.Answer answer = api.post("/api/auth/register", null, json(Map.of("tenantName", "Tenant " + email,
                "name", "Admin", "email", email, "password", "correct horse battery")));
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(201);
        return session(answer.json());
    }

    /** Invites an agent with a password into the admin's tenant and signs the agent in. */
    protected Session inviteAgent(Session admin) {
        String email = "agent-" + UUID.randomUUID() + "@tenant.example";
        JsonClient.Answer invited = api.post("/api/users", admin.accessToken(), json(Map.of("email", email,
                "name", "Agent", "role", "agent", "password", "another long password")));
        assertThat(invited.status()).as(invited.raw().body()).isEqualTo(201);
        JsonClient.Answer login = api.post("/api/auth/login", null, json(Map.of("email", email,
                "password", "another long password")));
        assertThat(login.status()).as(login.raw().body()).isEqualTo(200);
        return session(login.json());
    }

    /** An API channel of the session's tenant (callbacks to WireMock), created through the API. */
    protected TestChannel apiChannelOf(Session admin, boolean aiAgent) {
        String path = "/callbacks/" + UUID.randomUUID();
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "api",
                "name", "Shop", "settings", Map.of(ApiCallbackRequestBuilder.CALLBACK_URL_SETTING,
                        TENANT_SYSTEMS.baseUrl() + path), "aiAgentEnabled", aiAgent)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return new TestChannel(admin.tenantId(), UUID.fromString(created.json().get("channel").get("id").asText()),
                created.json().get("generatedSecret").asText(), path);
    }

    protected static String json(Object value) {
        return PayloadJson.write(value);
    }

    private static Session session(JsonNode tokens) {
        JsonNode user = tokens.get("user");
        return new Session(UUID.fromString(user.get("tenantId").asText()), UUID.fromString(user.get("id").asText()),
                user.get("email").asText(), tokens.get("accessToken").asText(), tokens.get("refreshToken").asText());
    }
}
