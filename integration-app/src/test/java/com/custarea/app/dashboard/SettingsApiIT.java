package com.custarea.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.routes.ai.AgentDeployments;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SettingsApiIT extends DashboardIntegrationTest {

    @Autowired
    AgentDeployments deployments;

    @Test
    void channelSecretsAreWriteOnlyAndSealedAtRest() {
        Session admin = registerTenant();
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "sms",
                "name", "Support line", "settings", Map.of("phoneNumber", "+14155550999"),
                "secret", "twilio-auth-token-0123456789")));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().has("generatedSecret")).isFalse();
        String id = created.json().get("channel").get("id").asText();
        JsonClient.Answer read = api.get("/api/channels/" + id, admin.accessToken());
        assertThat(read.raw().body()).doesNotContain("twilio-auth-token");
        assertThat(read.json().get("hasSecret").asBoolean()).isTrue();
        assertThat(api.get("/api/channels", admin.accessToken()).raw().body()).doesNotContain("twilio-auth-token");
        String stored = jdbc.queryForObject("SELECT secret_ciphertext FROM channels WHERE id = CAST(:id AS uuid)",
                Map.of("id", id), String.class);
        assertThat(stored).startsWith("v1:").doesNotContain("twilio");

        JsonClient.Answer renamed = api.patch("/api/channels/" + id, admin.accessToken(), json(Map.of(
                "name", "Main line", "enabled", false)));
        assertThat(renamed.json().get("name").asText()).isEqualTo("Main line");
        assertThat(renamed.json().get("enabled").asBoolean()).isFalse();
        JsonClient.Answer invalid = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "fax",
                "name", "x")));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/type");
    }

    @Test
    void featureFlagsAndAgentDeploymentsAreTheTenantsOwn() {
        Session admin = registerTenant();
        Session agent = inviteAgent(admin);
        Session other = registerTenant();
        TestChannel channel = apiChannelOf(admin, false);

        assertThat(api.put("/api/features/smart-replies", admin.accessToken(), json(Map.of("enabled", true)))
                .json().get("smart-replies").asBoolean()).isTrue();
        assertThat(api.get("/api/features", agent.accessToken()).json().get("smart-replies").asBoolean()).isTrue();
        assertThat(api.get("/api/features", other.accessToken()).json().has("smart-replies")).isFalse();
        assertThat(api.put("/api/features/Not%20Valid", admin.accessToken(), json(Map.of("enabled", true))).status())
                .isIn(400, 404);

        assertThat(deployments.shouldAgentRespond(admin.tenantId(), channel.channelId())).isFalse();
        JsonClient.Answer on = api.put("/api/agent-deployments/" + channel.channelId(), admin.accessToken(),
                json(Map.of("enabled", true)));
        assertThat(on.status()).isEqualTo(200);
        assertThat(on.json().get(0).get("enabled").asBoolean()).isTrue();
        assertThat(deployments.shouldAgentRespond(admin.tenantId(), channel.channelId())).isTrue();
        assertThat(deployments.shouldAgentRespond(other.tenantId(), channel.channelId())).isFalse();
        assertThat(api.put("/api/agent-deployments/" + channel.channelId(), admin.accessToken(), "{}").status())
                .isEqualTo(400);
    }

    @Test
    void adminsInviteAgentsWhoThenSeeTheSameTenant() {
        Session admin = registerTenant();
        Session agent = inviteAgent(admin);
        assertThat(agent.tenantId()).isEqualTo(admin.tenantId());
        assertThat(api.get("/api/users", admin.accessToken()).json()).hasSize(2);
        assertThat(api.get("/api/users/me", agent.accessToken()).json().get("role").asText()).isEqualTo("agent");
        JsonClient.Answer duplicate = api.post("/api/users", admin.accessToken(), json(Map.of("email",
                agent.email(), "name", "Twice", "role", "agent")));
        assertThat(duplicate.status()).isEqualTo(409);
    }
}
