package com.custarea.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import org.junit.jupiter.api.Test;

class WorkApiIT extends DashboardIntegrationTest {

    @Test
    void ticketsLinkToTheConversationsContactAndChange() {
        Session admin = registerTenant();
        Session agent = inviteAgent(admin);
        TestChannel channel = apiChannelOf(admin, false);
        String contact = api.post("/api/contacts", admin.accessToken(), json(Map.of("externalId", "t-1")))
                .json().get("id").asText();
        String conversation = api.post("/api/conversations", admin.accessToken(), json(Map.of("contactId", contact,
                "channelId", channel.channelId().toString()))).json().get("id").asText();

        JsonClient.Answer ticket = api.post("/api/tickets", agent.accessToken(), json(Map.of("subject", "Refund",
                "conversationId", conversation, "priority", "high")));
        assertThat(ticket.status()).as(ticket.raw().body()).isEqualTo(201);
        assertThat(ticket.json().get("contactId").asText()).isEqualTo(contact);
        String id = ticket.json().get("id").asText();
        JsonClient.Answer changed = api.patch("/api/tickets/" + id, agent.accessToken(), json(Map.of(
                "status", "resolved", "assigneeId", agent.userId().toString())));
        assertThat(changed.json().get("status").asText()).isEqualTo("resolved");
        assertThat(api.get("/api/tickets?status=resolved", agent.accessToken()).json().get("items")).hasSize(1);
        assertThat(api.patch("/api/tickets/" + id, agent.accessToken(), json(Map.of("assigneeId",
                UUID.randomUUID().toString()))).status()).isEqualTo(404);
        assertThat(api.post("/api/tickets", agent.accessToken(), json(Map.of("subject", ""))).status())
                .isEqualTo(400);
        assertThat(api.delete("/api/tickets/" + id, admin.accessToken()).status()).isEqualTo(204);
    }

    @Test
    void aLeadBecomesTheContactWithItsAddress() {
        Session admin = registerTenant();
        String existing = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Known",
                "email", "lin@bigco.example"))).json().get("id").asText();
        JsonClient.Answer lead = api.post("/api/leads", admin.accessToken(), json(Map.of("name", "Lin Chen",
                "email", "Lin@BigCo.example", "company", "BigCo")));
        assertThat(lead.status()).isEqualTo(201);
        String id = lead.json().get("id").asText();
        assertThat(api.patch("/api/leads/" + id, admin.accessToken(), json(Map.of("status", "qualified")))
                .json().get("status").asText()).isEqualTo("qualified");

        JsonClient.Answer converted = api.post("/api/leads/" + id + "/convert", admin.accessToken(), null);
        assertThat(converted.status()).as(converted.raw().body()).isEqualTo(200);
        assertThat(converted.json().get("status").asText()).isEqualTo("converted");
        assertThat(converted.json().get("contactId").asText()).isEqualTo(existing);

        String noAddress = api.post("/api/leads", admin.accessToken(), json(Map.of("name", "Anonymous")))
                .json().get("id").asText();
        assertThat(api.post("/api/leads/" + noAddress + "/convert", admin.accessToken(), null).status())
                .isEqualTo(400);
        assertThat(api.get("/api/leads?status=converted", admin.accessToken()).json().get("items")).hasSize(1);
        assertThat(api.post("/api/leads", admin.accessToken(), json(Map.of("name", "x", "status", "won")))
                .status()).isEqualTo(400);
    }
}
