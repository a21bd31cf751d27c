package com.custarea.app.voice;

import static com.custarea.app.support.ChatCompletionFakes.chunk;
import static com.custarea.app.support.ChatCompletionFakes.sse;
import static com.custarea.app.support.ChatCompletionFakes.usage;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The agent's answer to a caller streamed to the voice bridge as NDJSON, with a chat model (the real openai-java
 * client against a WireMock fake whose server-sent events trickle in over a second): the first words go out long
 * before the model has finished, without the model's citations and markdown, and the last line carries the whole
 * text said and the tool the agent called. A bad request is a problem before anything streams.
 */
class VoiceAnswerStreamIT extends DashboardIntegrationTest {

    private static final String BRIDGE_TOKEN = "voice-bridge-test-token";
    private static final String COMPLETIONS = "/openai/v1/chat/completions";
    private static final Duration TRICKLE = Duration.ofMillis(1200);

    private final HttpClient http = HttpClient.newHttpClient();

    private record Line(UUID tenantId, UUID channelId) {
    }

    private record Arrived(long atNanos, JsonNode line) {
    }

    @Test
    void theAnswerStreamsCleanForThePhoneAndEndsWithTheToolsTheAgentCalled() throws Exception {
        Line line = lineWithAgent(List.of("create_ticket"));
        String marker = "parcel-" + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(COMPLETIONS)).withRequestBody(containing(marker))
                .withRequestBody(notContaining("\"role\":\"tool\"")).willReturn(sse(List.of(
                        chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"c1\","
                                + "\"type\":\"function\",\"function\":{\"name\":\"create_ticket\",\"arguments\":"
                                + PayloadJson.write("{\"subject\":\"Late parcel\"}") + "}}]}", null),
                        chunk("{}", "tool_calls"), usage()))));
        List<String> pieces = List.of("Your ", "**ticket** ", "is ", "open [1]", ". We ", "will ", "call ", "you ",
                "back ", "*today*", ".");
        List<String> chunks = new ArrayList<>();
        chunks.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
        pieces.forEach(piece -> chunks.add(chunk("{\"content\":" + PayloadJson.write(piece) + "}", null)));
        chunks.add(chunk("{}", "stop"));
        chunks.add(usage());
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(COMPLETIONS)).withRequestBody(containing(marker))
                .withRequestBody(containing("\"role\":\"tool\"")).willReturn(sse(chunks)
                        .withChunkedDribbleDelay(6, (int) TRICKLE.toMillis())));

        HttpResponse<Stream<String>> response = http.send(answerRequest(line, "My parcel is late " + marker,
                "application/x-ndjson"), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/x-ndjson"));
        List<Arrived> lines = response.body().map(text -> new Arrived(System.nanoTime(), PayloadJson.tree(text)))
                .toList();

        List<Arrived> deltas = lines.stream().filter(arrived -> arrived.line().has("delta")).toList();
        Arrived done = lines.get(lines.size() - 1);
        assertThat(deltas).hasSizeGreaterThan(2);
        assertThat(Duration.ofNanos(done.atNanos() - deltas.get(0).atNanos()))
                .as("the first words are out while the model is still talking")
                .isGreaterThan(TRICKLE.dividedBy(3));
        String said = deltas.stream().map(arrived -> arrived.line().get("delta").asText())
                .collect(Collectors.joining());
        assertThat(said).isEqualTo("Your ticket is open. We will call you back today.");
        assertThat(done.line().get("done").asBoolean()).isTrue();
        assertThat(done.line().get("text").asText()).isEqualTo(said);
        assertThat(done.line().get("handoff").asBoolean()).isFalse();
        JsonNode toolCall = done.line().get("toolCalls").get(0);
        assertThat(toolCall.get("name").asText()).isEqualTo("create_ticket");
        assertThat(PayloadJson.tree(toolCall.get("arguments").asText()).get("subject").asText())
                .isEqualTo("Late parcel");
        assertThat(toolCall.get("outcome").asText()).contains("ticket");
        assertThat(jdbc.queryForList("SELECT subject FROM tickets WHERE tenant_id = :t", Map.of("t",
                line.tenantId()), String.class)).containsExactly("Late parcel");

        // without NDJSON in Accept, the same answer is one JSON object
        HttpResponse<String> whole = http.send(answerRequest(line, "My parcel is late " + marker, null),
                HttpResponse.BodyHandlers.ofString());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/json"));
        assertThat(PayloadJson.tree(whole.body()).get("text").asText()).isEqualTo(said);
        assertThat(PayloadJson.tree(whole.body()).get("toolCalls").get(0).get("name").asText())
                .isEqualTo("create_ticket");
    }

    @Test
    void aBadRequestIsAProblemBeforeAnythingStreams() throws Exception {
        Line line = lineWithAgent(List.of());
        HttpResponse<String> blank = http.send(answerRequest(line, " ", "application/x-ndjson"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(blank.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(PayloadJson.tree(blank.body()).get("detail").asText()).contains("utterance");

        Line elsewhere = new Line(registerTenant().tenantId(), line.channelId());
        HttpResponse<String> otherTenant = http.send(answerRequest(elsewhere, "hi", "application/x-ndjson"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(otherTenant.statusCode()).as("another tenant's line").isEqualTo(404);
        assertThat(otherTenant.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + VoiceAnswerController.PATH)).header("Content-Type", "application/json")
                .header("Accept", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);
    }

    private Line lineWithAgent(List<String> tools) {
        Session admin = registerTenant();
        String number = "+1415" + (2_000_000 + (int) (Math.random() * 7_000_000));
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "voice",
                "name", "Phone", "settings", Map.of("phoneNumber", number, "accountSid", "AC" + hex(16),
                        "mode", "legacy"), "secret", hex(16), "aiAgentEnabled", true)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        JsonClient.Answer agent = api.post("/api/ai-agent", admin.accessToken(), json(Map.of("name", "Phoebe",
                "model", "gpt-4o-mini", "enabledTools", tools, "instructions", "Be brief.")));
        assertThat(agent.status()).as(agent.raw().body()).isEqualTo(201);
        return new Line(admin.tenantId(), UUID.fromString(created.json().get("channel").get("id").asText()));
    }

    private HttpRequest answerRequest(Line line, String utterance, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + VoiceAnswerController.PATH)).header("Authorization", "Bearer " + BRIDGE_TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(PayloadJson.write(Map.of("tenantId", line.tenantId(),
                        "channelId", line.channelId(), "callId", UUID.randomUUID(), "callSid", "CA" + hex(16),
                        "customerNumber", "+14155550123", "utterance", utterance))));
        return accept == null ? request.build() : request.header("Accept", accept).build();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        new java.security.SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
