package com.custarea.app.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Teams: the API (admins change, everyone reads, members only from the tenant, names unique, other tenants' teams
 * are 404) and a workflow that assigns conversations to a team's members in turn, skipping disabled ones.
 */
class TeamIT extends DashboardIntegrationTest {

    @Test
    void adminsManageTeamsOfTheirOwnUsersAndOtherTenantsSeeNone() {
        Session admin = registerTenant();
        Session agent = inviteAgent(admin);
        Session other = registerTenant();

        JsonClient.Answer created = api.post("/api/teams", admin.accessToken(), json(Map.of("name", "Billing",
                "memberIds", List.of(agent.userId().toString(), admin.userId().toString()))));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().get("memberIds")).extracting(JsonNode::asText)
                .containsExactly(agent.userId().toString(), admin.userId().toString());

        assertThat(api.post("/api/teams", agent.accessToken(), json(Map.of("name", "Mine", "memberIds", List.of())))
                .status()).as("agents read, admins change").isEqualTo(403);
        assertThat(api.get("/api/teams", agent.accessToken()).json().get("items")).hasSize(1);
        assertThat(api.post("/api/teams", admin.accessToken(), json(Map.of("name", "billing", "memberIds",
                List.of()))).status()).as("names are unique, whatever their case").isEqualTo(409);
        JsonClient.Answer foreignMember = api.post("/api/teams", admin.accessToken(), json(Map.of("name", "Sales",
                "memberIds", List.of(other.userId().toString()))));
        assertThat(foreignMember.status()).isEqualTo(400);
        assertThat(foreignMember.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/memberIds/0");
        assertThat(api.post("/api/teams", admin.accessToken(), json(Map.of("name", "", "memberIds", List.of())))
                .status()).isEqualTo(400);

        JsonClient.Answer renamed = api.patch("/api/teams/" + id, admin.accessToken(), json(Map.of("name",
                "Billing and refunds", "memberIds", List.of(admin.userId().toString()))));
        assertThat(renamed.status()).as(renamed.raw().body()).isEqualTo(200);
        assertThat(renamed.json().get("memberIds")).extracting(JsonNode::asText)
                .containsExactly(admin.userId().toString());

        for (JsonClient.Answer answer : List.of(api.get("/api/teams/" + id, other.accessToken()),
                api.patch("/api/teams/" + id, other.accessToken(), json(Map.of("name", "Stolen"))),
                api.delete("/api/teams/" + id, other.accessToken()))) {
            assertThat(answer.status()).isEqualTo(404);
        }
        assertThat(api.get("/api/teams", other.accessToken()).json().get("items")).isEmpty();
        assertThat(api.get("/api/teams/" + id, admin.accessToken()).json().get("name").asText())
                .isEqualTo("Billing and refunds");

        assertThat(api.delete("/api/teams/" + id, admin.accessToken()).status()).isEqualTo(204);
        assertThat(api.get("/api/teams/" + id, admin.accessToken()).status()).isEqualTo(404);
    }

    @Test
    void aWorkflowAssignsConversationsToTheTeamsActiveMembersInTurn() {
        Session admin = registerTenant();
        Session first = inviteAgent(admin);
        Session second = inviteAgent(admin);
        Session away = inviteAgent(admin);
        Session other = registerTenant();
        String team = api.post("/api/teams", admin.accessToken(), json(Map.of("name", "Support", "memberIds",
                List.of(first.userId().toString(), away.userId().toString(), second.userId().toString()))))
                .json().get("id").asText();
        String otherTeam = api.post("/api/teams", other.accessToken(), json(Map.of("name", "Theirs", "memberIds",
                List.of()))).json().get("id").asText();
        // the API has no way to disable a user yet: the database does it, as an administrator would
        jdbc.update("UPDATE users SET disabled = true WHERE id = :id", Map.of("id", away.userId()));

        JsonClient.Answer refused = api.post("/api/workflows", admin.accessToken(), json(Map.of("name", "x",
                "trigger", Map.of("type", "message_received"),
                "actions", List.of(Map.of("type", "assign", "teamId", otherTeam)))));
        assertThat(refused.status()).as("another tenant's team").isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/actions/0/teamId");

        JsonClient.Answer workflow = api.post("/api/workflows", admin.accessToken(), json(Map.of("name", "To support",
                "trigger", Map.of("type", "conversation_created"),
                "actions", List.of(Map.of("type", "assign", "teamId", team)))));
        assertThat(workflow.status()).as(workflow.raw().body()).isEqualTo(201);
        TestChannel channel = apiChannelOf(admin, false);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));

        for (String customer : List.of("c1", "c2", "c3")) {
            assertThat(client.postMessage(channel.channelId(), channel.secret(), json(Map.of("messageId",
                    "m-" + customer, "sender", Map.of("id", customer), "text", "hello"))).statusCode())
                    .isEqualTo(202);
            // one at a time, so that the turns follow the customers' order
            await().atMost(Duration.ofSeconds(30)).until(() -> assignees(admin).size()
                    == List.of("c1", "c2", "c3").indexOf(customer) + 1);
        }
        assertThat(assignees(admin)).as("the disabled member is skipped").containsExactly(
                first.userId().toString(), second.userId().toString(), first.userId().toString());
    }

    /** The assignees of the tenant's conversations, oldest conversation first. */
    private List<String> assignees(Session admin) {
        List<String> assignees = new ArrayList<>();
        rows("""
                SELECT assignee_id::text AS assignee FROM conversations
                WHERE tenant_id = :t AND assignee_id IS NOT NULL ORDER BY created_at, id
                """, Map.of("t", admin.tenantId())).forEach(row -> assignees.add(row.get("assignee").toString()));
        return assignees;
    }
}
