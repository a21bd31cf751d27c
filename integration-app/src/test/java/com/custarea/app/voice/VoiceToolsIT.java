package com.custarea.app.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The realtime mode's agent on the internal voice API: a call's session (the agent's phone instructions and exactly
 * its enabled tools, or off with a reason) and the model's tool calls run for the call's conversation, behind the
 * bridge's token and for the line's own tenant only.
 */
class VoiceToolsIT extends DashboardIntegrationTest {

    private static final String BRIDGE_TOKEN = "voice-bridge-test-token";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aCallsSessionCarriesTheAgentsInstructionsAndToolsOrSaysWhyItIsOff() throws Exception {
        Session admin = registerTenant();
        UUID line = line(admin, true);
        Map<String, Object> ask = Map.of("tenantId", admin.tenantId(), "channelId", line);
        assertThat(internalPost(VoiceToolsController.SESSION_PATH, null, ask).statusCode()).isEqualTo(401);
        assertThat(internalPost(VoiceToolsController.SESSION_PATH, "wrong", ask).statusCode()).isEqualTo(401);

        JsonNode noAgent = session(ask);
        assertThat(noAgent.path("on").asBoolean()).isFalse();
        assertThat(noAgent.path("offReason").asText()).contains("no AI agent");
        assertThat(noAgent.path("tools").isEmpty()).isTrue();

        agent(admin, List.of(line), List.of("create_ticket", "search_knowledge_base"));
        JsonNode on = session(ask);
        assertThat(on.path("on").asBoolean()).as(on.toString()).isTrue();
        assertThat(on.path("instructions").asText()).startsWith("You are Ada, ")
                .contains("search_knowledge_base", "on the phone", "The team's instructions:\nQuote order numbers.")
                .doesNotContain("handoff_to_human");
        assertThat(on.path("tools").findValuesAsText("name")).containsExactly("create_ticket",
                "search_knowledge_base");
        assertThat(on.at("/tools/0/parameters/required/0").asText()).isEqualTo("subject");
        assertThat(on.at("/tools/0/description").asText()).isNotBlank();

        // the agent is switched off on a line: the line is off, whatever agent would answer there
        UUID off = line(admin, false);
        agent(admin, List.of(), List.of("handoff_to_human"));
        JsonNode switchedOff = session(Map.of("tenantId", admin.tenantId(), "channelId", off));
        assertThat(switchedOff.path("on").asBoolean()).isFalse();
        assertThat(switchedOff.path("offReason").asText()).contains("off on this line");

        Session other = registerTenant();
        assertThat(internalPost(VoiceToolsController.SESSION_PATH, BRIDGE_TOKEN, Map.of("tenantId",
                other.tenantId(), "channelId", line)).statusCode()).as("another tenant's line").isEqualTo(404);
        HttpResponse<String> bad = internalPost(VoiceToolsController.SESSION_PATH, BRIDGE_TOKEN,
                Map.of("tenantId", "x", "channelId", line));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
    }

    @Test
    void aToolCallRunsForTheCallsConversationOnceAndOnlyWithTheAgentsTools() throws Exception {
        Session admin = registerTenant();
        UUID line = line(admin, true);
        agent(admin, List.of(line), List.of("create_ticket"));
        String callSid = "CA" + hex(16);
        String caller = "+1415" + (2_000_000 + RANDOM.nextInt(7_000_000));
        Map<String, Object> call = Map.of("tenantId", admin.tenantId(), "channelId", line, "callId",
                CallEvent.callIdOf(callSid), "callSid", callSid, "customerNumber", caller, "toolCallId", "call_1",
                "name", "create_ticket", "arguments", "{\"subject\":\"Refund for order 1042\"}");
        assertThat(internalPost(VoiceToolsController.TOOL_PATH, null, call).statusCode()).isEqualTo(401);

        HttpResponse<String> created = internalPost(VoiceToolsController.TOOL_PATH, BRIDGE_TOKEN, call);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String ticketId = PayloadJson.tree(created.body()).path("ticketId").asText();
        JsonClient.Answer ticket = api.get("/api/tickets/" + ticketId, admin.accessToken());
        assertThat(ticket.status()).as(ticket.raw().body()).isEqualTo(200);
        assertThat(ticket.json().path("subject").asText()).isEqualTo("Refund for order 1042");
        JsonNode contact = api.get("/api/contacts/" + ticket.json().path("contactId").asText(),
                admin.accessToken()).json();
        assertThat(contact.path("identifiers").findValuesAsText("value")).contains(caller);
        JsonNode conversation = api.get("/api/conversations/" + ticket.json().path("conversationId").asText(),
                admin.accessToken()).json();
        assertThat(conversation.path("channelId").asText()).isEqualTo(line.toString());

        // the bridge asks again (a retry): the same ticket, not a second one
        HttpResponse<String> again = internalPost(VoiceToolsController.TOOL_PATH, BRIDGE_TOKEN, call);
        assertThat(PayloadJson.tree(again.body()).path("ticketId").asText()).isEqualTo(ticketId);
        assertThat(api.get("/api/tickets?limit=100", admin.accessToken()).json().path("items")
                .findValuesAsText("subject")).containsOnlyOnce("Refund for order 1042");

        // a tool the agent was not given: refused to the model, nothing changed
        HttpResponse<String> refused = internalPost(VoiceToolsController.TOOL_PATH, BRIDGE_TOKEN, with(call,
                "name", "update_contact", "toolCallId", "call_2", "arguments", "{\"name\":\"Mallory\"}"));
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(PayloadJson.tree(refused.body()).path("error").asText()).contains("not available");
        assertThat(api.get("/api/contacts/" + contact.path("id").asText(), admin.accessToken()).json()
                .path("name").asText("")).isNotEqualTo("Mallory");

        Session other = registerTenant();
        assertThat(internalPost(VoiceToolsController.TOOL_PATH, BRIDGE_TOKEN, with(call, "tenantId",
                other.tenantId(), "toolCallId", "call_3")).statusCode()).as("another tenant's line").isEqualTo(404);
        assertThat(internalPost(VoiceToolsController.TOOL_PATH, BRIDGE_TOKEN, with(call, "arguments",
                Map.of("subject", "not text"))).statusCode()).isEqualTo(400);
        assertThat(internalPost(VoiceToolsController.TOOL_PATH, BRIDGE_TOKEN, with(call, "name", ""))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void theRealtimeModelsUsageCountsInTheDailyBudgetAndANewCallPastItGoesToTheTeam() throws Exception {
        Session admin = registerTenant();
        UUID line = line(admin, true);
        agent(admin, List.of(line), List.of("handoff_to_human"));
        Map<String, Object> ask = Map.of("tenantId", admin.tenantId(), "channelId", line);
        assertThat(session(ask).path("on").asBoolean()).isTrue();
        assertThat(internalPost(VoiceToolsController.USAGE_PATH, null, Map.of("tenantId", admin.tenantId(),
                "channelId", line, "tokens", 10)).statusCode()).isEqualTo(401);
        assertThat(internalPost(VoiceToolsController.USAGE_PATH, BRIDGE_TOKEN, Map.of("tenantId", admin.tenantId(),
                "channelId", line, "tokens", -1)).statusCode()).isEqualTo(400);
        Session other = registerTenant();
        assertThat(internalPost(VoiceToolsController.USAGE_PATH, BRIDGE_TOKEN, Map.of("tenantId", other.tenantId(),
                "channelId", line, "tokens", 10)).statusCode()).as("another tenant's line").isEqualTo(404);

        // the default budget is 2,000,000 tokens a day: a call that used them leaves none for the next
        assertThat(internalPost(VoiceToolsController.USAGE_PATH, BRIDGE_TOKEN, Map.of("tenantId", admin.tenantId(),
                "channelId", line, "tokens", 2_000_000)).statusCode()).isEqualTo(204);

        JsonNode spent = session(ask);
        assertThat(spent.path("on").asBoolean()).isFalse();
        assertThat(spent.path("offReason").asText()).contains("budget");
    }

    private JsonNode session(Map<String, Object> ask) throws Exception {
        HttpResponse<String> answer = internalPost(VoiceToolsController.SESSION_PATH, BRIDGE_TOKEN, ask);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return PayloadJson.tree(answer.body());
    }

    private UUID line(Session admin, boolean aiAgentEnabled) {
        String number = "+1415" + (2_000_000 + RANDOM.nextInt(7_000_000));
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "voice",
                "name", "Phone", "settings", Map.of("phoneNumber", number, "accountSid", "AC" + hex(16), "mode",
                        "realtime"), "secret", hex(16), "aiAgentEnabled", aiAgentEnabled)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return UUID.fromString(created.json().path("channel").path("id").asText());
    }

    private void agent(Session admin, List<UUID> channels, List<String> tools) {
        JsonClient.Answer created = api.post("/api/ai-agent", admin.accessToken(), json(Map.of("name", "Ada",
                "instructions", "Quote order numbers.", "channelIds", channels.stream().map(UUID::toString)
                        .toList(), "enabledTools", tools)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    }

    private static Map<String, Object> with(Map<String, Object> call, Object... changes) {
        Map<String, Object> changed = new java.util.LinkedHashMap<>(call);
        for (int i = 0; i < changes.length; i += 2) {
            changed.put((String) changes[i], changes[i + 1]);
        }
        return changed;
    }

    private HttpResponse<String> internalPost(String path, String token, Map<String, ?> body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PayloadJson.write(body)));
        return http.send(token == null ? request.build() : request.header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
