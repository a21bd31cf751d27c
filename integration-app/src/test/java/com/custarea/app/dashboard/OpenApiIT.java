package com.custarea.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.custarea.app.support.DashboardIntegrationTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class OpenApiIT extends DashboardIntegrationTest {

    @Test
    void theOpenApiDocumentDescribesEveryFamilyWithSchemas() {
        JsonNode document = api.get("/api/openapi.json", null).json();

        assertThat(document.get("openapi").asText()).startsWith("3.");
        JsonNode paths = document.get("paths");
        for (String path : new String[] {"/api/auth/login", "/api/v2/auth/otp/verify", "/api/conversations",
                "/api/conversations/{id}", "/api/messages", "/api/contacts/{id}/merge", "/api/contacts/import",
                "/api/tickets", "/api/leads/{id}/convert", "/api/channels", "/api/features/{key}",
                "/api/agent-deployments/{channelId}", "/api/users", "/api/channels/api/{channelId}/messages",
                "/api/ops/lag"}) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        JsonNode create = paths.get("/api/messages").get("post");
        assertThat(create.get("requestBody").toString()).contains("CreateMessageRequest");
        assertThat(create.get("responses").toString()).contains("MessageView");
        assertThat(document.get("components").get("schemas").get("CreateMessageRequest").toString())
                .contains("example");
        assertThat(document.get("components").get("securitySchemes").has("bearerAuth")).isTrue();
        assertThat(api.send("GET", "/api/docs/index.html", null, null, null).raw().body()).contains("swagger-ui");
    }
}
