package com.custarea.app.ai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

/**
 * The AI agent end to end, offline: documents uploaded through the API are extracted, chunked, embedded, stored in
 * MongoDB and indexed; a customer's question through the API channel is answered with the right passage and its
 * source, an unanswerable one is handed to the team, and no tenant reaches another's agents or documents.
 */
class AiAgentIT extends DashboardIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void answersFromItsKnowledgeBaseAndHandsOffWhatItCannotAnswer() throws Exception {
        Session admin = registerTenant();
        TestChannel channel = apiChannelOf(admin, true);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));
        UUID agentId = createAgent(admin, Map.of("name", "Helper", "handoffRules", Map.of("keywords",
                List.of("lawyer"))));

        UUID returns = upload(admin, agentId, "returns-policy.md", "text/markdown", "Returns policy");
        UUID shipping = upload(admin, agentId, "shipping.html", "text/html", null);
        UUID warranty = upload(admin, agentId, "warranty.txt", "text/plain", "Warranty");
        for (UUID document : List.of(returns, shipping, warranty)) {
            JsonNode ready = awaitStatus(admin, agentId, document, "READY");
            assertThat(ready.get("chunksDone").asInt()).isEqualTo(ready.get("chunksTotal").asInt()).isPositive();
            assertThat(ready.get("model").asText()).isEqualTo("all-minilm-l6-v2-q");
        }

        JsonClient.Answer found = api.get("/api/ai-agent/" + agentId + "/search?q=how+long+until+my+refund",
                admin.accessToken());
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("items").get(0).get("documentId").asText()).isEqualTo(returns.toString());

        // answered with the passage and its source
        assertThat(client.postMessage(channel.channelId(), channel.secret(), "{\"messageId\":\"q-1\",\"sender\":"
                + "{\"id\":\"ada\"},\"text\":\"How long does it take to get my refund?\"}").statusCode())
                .isEqualTo(202);
        JsonNode answer = awaitCallback(channel, 1).get(0);
        assertThat(answer.get("text").asText()).contains("five business days").contains("(Source: Returns policy");
        JsonNode citations = PayloadJson.tree(answer.get("metadata").get("ai.citations").asText());
        assertThat(citations.get(0).get("documentId").asText()).isEqualTo(returns.toString());

        // an unanswerable question goes to the team, and the agent stays silent on that conversation
        assertThat(client.postMessage(channel.channelId(), channel.secret(), "{\"messageId\":\"q-2\",\"sender\":"
                + "{\"id\":\"bob\"},\"text\":\"What is the airspeed velocity of an unladen swallow?\"}").statusCode())
                .isEqualTo(202);
        JsonNode handoff = awaitCallback(channel, 2).get(1);
        assertThat(handoff.get("text").asText()).contains("passing it to a colleague");
        UUID conversation = UUID.fromString(handoff.get("conversationId").asText());
        assertThat(jdbc.queryForObject("SELECT ai_paused FROM conversations WHERE id = :id", Map.of("id",
                conversation), Boolean.class)).isTrue();
        assertThat(jdbc.queryForObject("SELECT text FROM messages WHERE conversation_id = :id AND private",
                Map.of("id", conversation), String.class)).contains("No passage answers the question");
        assertThat(client.postMessage(channel.channelId(), channel.secret(), "{\"messageId\":\"q-3\",\"sender\":"
                + "{\"id\":\"bob\"},\"text\":\"Hello again?\"}").statusCode()).isEqualTo(202);
        // a hand-off word hands off too, whatever the knowledge base says
        assertThat(client.postMessage(channel.channelId(), channel.secret(), "{\"messageId\":\"q-4\",\"sender\":"
                + "{\"id\":\"cy\"},\"text\":\"My lawyer asks about refunds\"}").statusCode()).isEqualTo(202);
        List<JsonNode> callbacks = awaitCallback(channel, 3);
        assertThat(callbacks.get(2).get("text").asText()).contains("passing it to a colleague");
        assertThat(callbacks).extracting(callback -> callback.get("conversationId").asText())
                .as("nothing for bob's second message").containsOnlyOnce(conversation.toString());

        // the index rebuilt from MongoDB on demand answers the same; an agent may not, and not twice a minute
        assertThat(api.post("/api/ops/kb-index/rebuild", inviteAgent(admin).accessToken(), null).status())
                .isEqualTo(403);
        JsonClient.Answer rebuilt = api.post("/api/ops/kb-index/rebuild", admin.accessToken(), null);
        assertThat(rebuilt.status()).as(rebuilt.raw().body()).isEqualTo(200);
        assertThat(rebuilt.json().get("documents").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(api.post("/api/ops/kb-index/rebuild", admin.accessToken(), null).status()).isEqualTo(409);
        assertThat(api.get("/api/ai-agent/" + agentId + "/search?q=how+long+until+my+refund", admin.accessToken())
                .json().get("items").get(0).get("documentId").asText()).isEqualTo(returns.toString());

        // deleting a document takes it out of the answers
        assertThat(api.delete("/api/ai-agent/" + agentId + "/documents/" + returns, admin.accessToken()).status())
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("/api/ai-agent/" + agentId
                + "/search?q=refund", admin.accessToken()).json().get("items").findValuesAsText("documentId"))
                .doesNotContain(returns.toString()));
        assertThat(api.get("/api/ai-agent/" + agentId + "/documents/" + returns, admin.accessToken()).status())
                .isEqualTo(404);
    }

    @Test
    void aDocumentIsFetchedFromAUrlAndBadDocumentsAreRefusedOrFailedWithTheReason() throws Exception {
        Session admin = registerTenant();
        UUID agentId = createAgent(admin, Map.of("name", "Fetcher"));
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo("/kb/faq.md")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/markdown").withBody("# FAQ\nOur shop opens at nine.")));
        TENANT_SYSTEMS.stubFor(get(urlPathEqualTo("/kb/gone")).willReturn(aResponse().withStatus(404)));

        JsonClient.Answer fromUrl = api.post("/api/ai-agent/" + agentId + "/documents", admin.accessToken(),
                json(Map.of("url", TENANT_SYSTEMS.baseUrl() + "/kb/faq.md")));
        assertThat(fromUrl.status()).as(fromUrl.raw().body()).isEqualTo(202);
        awaitStatus(admin, agentId, UUID.fromString(fromUrl.json().get("id").asText()), "READY");

        JsonClient.Answer gone = api.post("/api/ai-agent/" + agentId + "/documents", admin.accessToken(),
                json(Map.of("url", TENANT_SYSTEMS.baseUrl() + "/kb/gone")));
        JsonNode failed = awaitStatus(admin, agentId, UUID.fromString(gone.json().get("id").asText()), "FAILED");
        assertThat(failed.get("error").asText()).contains("404");

        int before = api.get("/api/ai-agent/" + agentId + "/documents", admin.accessToken()).json().get("items")
                .size();
        assertThat(multipart(admin, agentId, "picture.png", "image/png", new byte[] {1, 2, 3}, null).statusCode())
                .isEqualTo(415);
        JsonClient.Answer privateUrl = api.post("/api/ai-agent/" + agentId + "/documents", admin.accessToken(),
                json(Map.of("url", "http://10.1.2.3/internal.md")));
        assertThat(privateUrl.status()).isEqualTo(400);
        assertThat(privateUrl.header("Content-Type")).startsWith("application/problem+json");
        assertThat(api.post("/api/ai-agent", admin.accessToken(), json(Map.of("name", "Bad", "temperature", 7)))
                .json().get("errors").get(0).get("pointer").asText()).isEqualTo("/temperature");
        assertThat(api.get("/api/ai-agent/" + agentId + "/documents", admin.accessToken()).json().get("items")
                .size()).as("nothing stored for refused uploads").isEqualTo(before);
    }

    @Test
    void noTenantReachesAnotherTenantsAgentsDocumentsOrMessages() throws Exception {
        Session owner = registerTenant();
        Session stranger = registerTenant();
        UUID agentId = createAgent(owner, Map.of("name", "Private"));
        UUID document = upload(owner, agentId, "warranty.txt", "text/plain", "Warranty");
        awaitStatus(owner, agentId, document, "READY");
        TestChannel ownersChannel = apiChannelOf(owner, false);

        String agent = "/api/ai-agent/" + agentId;
        assertThat(api.get(agent, stranger.accessToken()).status()).isEqualTo(404);
        assertThat(api.patch(agent, stranger.accessToken(), json(Map.of("name", "Mine"))).status()).isEqualTo(404);
        assertThat(api.get(agent + "/documents", stranger.accessToken()).status()).isEqualTo(404);
        assertThat(api.get(agent + "/documents/" + document, stranger.accessToken()).status()).isEqualTo(404);
        assertThat(api.delete(agent + "/documents/" + document, stranger.accessToken()).status()).isEqualTo(404);
        assertThat(api.get(agent + "/search?q=warranty", stranger.accessToken()).status()).isEqualTo(404);
        assertThat(api.post(agent + "/reindex", stranger.accessToken(), null).status()).isEqualTo(404);
        assertThat(multipart(stranger, agentId, "warranty.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8),
                null).statusCode()).isEqualTo(404);
        assertThat(api.get("/api/ai-agent", stranger.accessToken()).json().get("items")).isEmpty();
        JsonClient.Answer foreignChannel = api.post("/api/ai-agent", stranger.accessToken(), json(Map.of("name", "X",
                "channelIds", List.of(ownersChannel.channelId()))));
        assertThat(foreignChannel.status()).isEqualTo(400);
        assertThat(foreignChannel.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/channelIds/0");

        // the stranger's own agent, same words, finds nothing of the owner's
        UUID strangersAgent = createAgent(stranger, Map.of("name", "Other"));
        assertThat(api.get("/api/ai-agent/" + strangersAgent + "/search?q=warranty", stranger.accessToken()).json()
                .get("items")).isEmpty();

        assertThat(client.postMessage(ownersChannel.channelId(), ownersChannel.secret(),
                "{\"messageId\":\"iso-1\",\"sender\":{\"id\":\"dee\"},\"text\":\"hi\"}").statusCode()).isEqualTo(202);
        UUID messageId = await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                "SELECT id FROM messages WHERE tenant_id = :t AND direction = 'inbound'",
                Map.of("t", owner.tenantId()), UUID.class), ids -> !ids.isEmpty()).get(0);
        assertThat(api.post("/api/ai/queue/" + messageId, stranger.accessToken(), null).status()).isEqualTo(404);
        assertThat(api.post("/api/ai/queue/" + messageId, owner.accessToken(), null).status()).isEqualTo(202);
        assertThat(api.get(agent, owner.accessToken()).json().get("name").asText()).isEqualTo("Private");
    }

    private UUID createAgent(Session admin, Map<String, Object> body) {
        JsonClient.Answer created = api.post("/api/ai-agent", admin.accessToken(), json(body));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return UUID.fromString(created.json().get("id").asText());
    }

    private UUID upload(Session admin, UUID agentId, String resource, String contentType, String title)
            throws IOException, InterruptedException {
        byte[] content;
        try (InputStream input = getClass().getResourceAsStream("/kb/" + resource)) {
            content = input.readAllBytes();
        }
        HttpResponse<String> response = multipart(admin, agentId, resource, contentType, content, title);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return UUID.fromString(PayloadJson.tree(response.body()).get("id").asText());
    }

    private HttpResponse<String> multipart(Session session, UUID agentId, String filename, String contentType,
                                           byte[] content, String title) throws IOException, InterruptedException {
        String boundary = "----custarea" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (title != null) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + title
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/ai-agent/" + agentId
                        + "/documents")).header("Authorization", "Bearer " + session.accessToken())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode awaitStatus(Session admin, UUID agentId, UUID documentId, String status) {
        return await().atMost(Duration.ofSeconds(90)).until(() -> api.get("/api/ai-agent/" + agentId
                + "/documents/" + documentId, admin.accessToken()).json(), document -> {
                    assertThat(document.path("status").asText()).as(document.toString()).isNotEqualTo(
                            "FAILED".equals(status) ? "READY" : "FAILED");
                    return status.equals(document.path("status").asText());
                });
    }

    private List<JsonNode> awaitCallback(TestChannel channel, int count) {
        List<LoggedRequest> requests = await().atMost(Duration.ofSeconds(60)).until(() -> TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo(channel.callbackPath()))), found -> found.size() >= count);
        return requests.stream().map(request -> PayloadJson.tree(request.getBodyAsString())).toList();
    }
}
