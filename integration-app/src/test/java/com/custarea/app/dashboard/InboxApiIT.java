package com.custarea.app.dashboard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

/** Conversations and messages through the dashboard API, with the pipeline behind them. */
class InboxApiIT extends DashboardIntegrationTest {

    @Test
    void anAgentReplyIsQueuedSentThroughTheChannelAndItsStatusFollows() {
        Session admin = registerTenant();
        Session agent = inviteAgent(admin);
        TestChannel channel = apiChannelOf(admin, false);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));
        assertThat(client.postMessage(channel.channelId(), channel.secret(),
                "{\"messageId\":\"in-1\",\"sender\":{\"id\":\"buyer\",\"name\":\"Buyer\"},\"text\":\"Where?\"}")
                .statusCode()).isEqualTo(202);
        JsonNode conversation = await().atMost(Duration.ofSeconds(30)).until(() -> api.get(
                "/api/conversations", agent.accessToken()).json().get("items"), items -> items.size() == 1).get(0);
        String conversationId = conversation.get("id").asText();
        assertThat(conversation.get("contactName").asText()).isEqualTo("Buyer");

        JsonClient.Answer reply = api.post("/api/messages", agent.accessToken(), json(Map.of(
                "conversationId", conversationId, "text", "It ships today.", "clientMessageId", "r-1",
                "attachments", List.of(Map.of("url", "https://files.example/label.pdf", "contentType",
                        "application/pdf")))));
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(201);
        assertThat(reply.json().get("status").asText()).isEqualTo("queued");
        assertThat(reply.json().get("authorId").asText()).isEqualTo(agent.userId().toString());
        String replyId = reply.json().get("id").asText();
        // the same clientMessageId again: the same message, sent once
        JsonClient.Answer again = api.post("/api/messages", agent.accessToken(), json(Map.of(
                "conversationId", conversationId, "text", "It ships today.", "clientMessageId", "r-1")));
        assertThat(again.json().get("id").asText()).isEqualTo(replyId);

        LoggedRequest sent = await().atMost(Duration.ofSeconds(30)).until(() -> TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo(channel.callbackPath()))), list -> !list.isEmpty()).get(0);
        JsonNode callback = PayloadJson.tree(sent.getBodyAsString());
        assertThat(callback.get("text").asText()).isEqualTo("It ships today.");
        assertThat(callback.get("attachments").get(0).get("url").asText()).isEqualTo("https://files.example/label.pdf");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("/api/messages/" + replyId,
                agent.accessToken()).json().get("status").asText()).isEqualTo("sent"));
        assertThat(TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo(channel.callbackPath())))).hasSize(1);

        JsonClient.Answer note = api.post("/api/messages", agent.accessToken(), json(Map.of(
                "conversationId", conversationId, "text", "VIP customer", "private", true)));
        assertThat(note.status()).isEqualTo(201);
        assertThat(note.json().get("private").asBoolean()).isTrue();
        JsonNode messages = api.get("/api/messages?conversationId=" + conversationId, agent.accessToken()).json();
        assertThat(messages.get("items")).extracting(m -> m.get("text").asText())
                .containsExactly("Where?", "It ships today.", "VIP customer");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo(channel.callbackPath()))).size() == 1);
    }

    @Test
    void conversationsAreFilteredPagedAndChanged() {
        Session admin = registerTenant();
        TestChannel channel = apiChannelOf(admin, false);
        for (int i = 0; i < 5; i++) {
            JsonClient.Answer contact = api.post("/api/contacts", admin.accessToken(), json(Map.of(
                    "name", "Customer " + i, "externalId", "c-" + i)));
            api.post("/api/conversations", admin.accessToken(), json(Map.of("contactId",
                    contact.json().get("id").asText(), "channelId", channel.channelId().toString(),
                    "subject", i == 3 ? "Refund request" : "Question " + i, "labels", i % 2 == 0
                            ? List.of("vip") : List.of())));
        }
        List<String> subjects = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/api/conversations?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                    admin.accessToken()).json();
            page.get("items").forEach(item -> subjects.add(item.get("subject").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(subjects).containsExactly("Question 4", "Refund request", "Question 2", "Question 1",
                "Question 0");

        assertThat(api.get("/api/conversations?label=vip", admin.accessToken()).json().get("items")).hasSize(3);
        JsonNode found = api.get("/api/conversations?q=refund", admin.accessToken()).json().get("items");
        assertThat(found).hasSize(1);
        String id = found.get(0).get("id").asText();

        JsonClient.Answer changed = api.patch("/api/conversations/" + id, admin.accessToken(), json(Map.of(
                "status", "pending", "assigneeId", admin.userId().toString(), "labels", List.of("billing"),
                "priority", "high")));
        assertThat(changed.status()).as(changed.raw().body()).isEqualTo(200);
        assertThat(changed.json().get("assigneeId").asText()).isEqualTo(admin.userId().toString());
        assertThat(api.get("/api/conversations?assignee=me&status=pending", admin.accessToken()).json().get("items"))
                .extracting(item -> item.get("id").asText()).containsExactly(id);
        assertThat(api.get("/api/conversations?assignee=unassigned", admin.accessToken()).json().get("items"))
                .hasSize(4);
        JsonClient.Answer unassigned = api.patch("/api/conversations/" + id, admin.accessToken(),
                "{\"assigneeId\":null,\"status\":\"resolved\"}");
        assertThat(unassigned.json().has("assigneeId")).isFalse();
        assertThat(unassigned.json().get("status").asText()).isEqualTo("resolved");

        assertThat(api.delete("/api/conversations/" + id, admin.accessToken()).status()).isEqualTo(204);
        assertThat(api.get("/api/conversations/" + id, admin.accessToken()).status()).isEqualTo(404);
    }

    @Test
    void badRequestsNameTheirProblem() {
        Session admin = registerTenant();
        JsonClient.Answer badStatus = api.get("/api/conversations?status=sleeping", admin.accessToken());
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/status");
        JsonClient.Answer badLimit = api.get("/api/conversations?limit=1000", admin.accessToken());
        assertThat(badLimit.status()).isEqualTo(400);
        JsonClient.Answer badCursor = api.get("/api/conversations?cursor=garbage", admin.accessToken());
        assertThat(badCursor.status()).isEqualTo(400);
        JsonClient.Answer badPatch = api.patch("/api/conversations/" + java.util.UUID.randomUUID(),
                admin.accessToken(), json(Map.of("status", "sleeping", "extra", 1)));
        assertThat(badPatch.status()).isEqualTo(400);
        assertThat(badPatch.json().get("errors")).extracting(error -> error.get("pointer").asText())
                .contains("/status", "/extra");
        JsonClient.Answer noText = api.post("/api/messages", admin.accessToken(), json(Map.of(
                "conversationId", java.util.UUID.randomUUID().toString())));
        assertThat(noText.status()).isEqualTo(400);
        JsonClient.Answer notJson = api.send("POST", "/api/messages", admin.accessToken(), "text/plain", "hi");
        assertThat(notJson.status()).isEqualTo(415);
        JsonClient.Answer unknown = api.get("/api/conversations/not-a-uuid", admin.accessToken());
        assertThat(unknown.status()).isEqualTo(404);
    }
}
