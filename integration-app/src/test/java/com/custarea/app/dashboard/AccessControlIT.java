package com.custarea.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint family against callers who may not: no token (401), an agent where only admins may (403), and
 * another tenant's admin naming this tenant's ids (404, and the data is untouched).
 */
class AccessControlIT extends DashboardIntegrationTest {

    private Session owner;
    private Session agent;
    private Session stranger;
    private Map<String, String> ids;

    @BeforeEach
    void twoTenants() {
        owner = registerTenant();
        agent = inviteAgent(owner);
        stranger = registerTenant();
        TestChannel channel = apiChannelOf(owner, false);
        JsonClient.Answer contact = api.post("/api/contacts", owner.accessToken(), json(Map.of("name", "Owned",
                "email", "owned-" + UUID.randomUUID() + "@customer.example")));
        String contactId = contact.json().get("id").asText();
        JsonClient.Answer conversation = api.post("/api/conversations", owner.accessToken(), json(Map.of(
                "contactId", contactId, "channelId", channel.channelId().toString(), "subject", "Owned")));
        assertThat(conversation.status()).as(conversation.raw().body()).isEqualTo(201);
        String conversationId = conversation.json().get("id").asText();
        JsonClient.Answer message = api.post("/api/messages", owner.accessToken(), json(Map.of(
                "conversationId", conversationId, "text", "a note", "private", true)));
        JsonClient.Answer ticket = api.post("/api/tickets", owner.accessToken(), json(Map.of("subject", "Owned",
                "contactId", contactId)));
        JsonClient.Answer lead = api.post("/api/leads", owner.accessToken(), json(Map.of("name", "Owned",
                "email", "lead-" + UUID.randomUUID() + "@x.example")));
        ids = Map.of("contact", contactId, "conversation", conversationId,
                "message", message.json().get("id").asText(), "ticket", ticket.json().get("id").asText(),
                "lead", lead.json().get("id").asText(), "channel", channel.channelId().toString());
    }

    static Stream<Arguments> protectedEndpoints() {
        return Stream.of(
                Arguments.of("GET", "/api/conversations", null),
                Arguments.of("POST", "/api/conversations", "{}"),
                Arguments.of("GET", "/api/messages?conversationId=" + UUID.randomUUID(), null),
                Arguments.of("POST", "/api/messages", "{}"),
                Arguments.of("GET", "/api/contacts", null),
                Arguments.of("POST", "/api/contacts/import", "name,email"),
                Arguments.of("GET", "/api/tickets", null),
                Arguments.of("GET", "/api/leads", null),
                Arguments.of("GET", "/api/channels", null),
                Arguments.of("GET", "/api/features", null),
                Arguments.of("GET", "/api/agent-deployments", null),
                Arguments.of("GET", "/api/users/me", null),
                Arguments.of("GET", "/api/events", null),
                Arguments.of("GET", "/api/ops/lag", null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("protectedEndpoints")
    void withoutATokenEveryEndpointIs401(String method, String path, String body) {
        JsonClient.Answer answer = api.send(method, path, null, body == null ? null : "application/json", body);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void anAgentMayNotDoWhatOnlyAdminsDo() {
        record Call(String method, String path, String body) {
        }
        List<Call> adminOnly = List.of(
                new Call("DELETE", "/api/conversations/" + ids.get("conversation"), null),
                new Call("DELETE", "/api/contacts/" + ids.get("contact"), null),
                new Call("DELETE", "/api/tickets/" + ids.get("ticket"), null),
                new Call("DELETE", "/api/leads/" + ids.get("lead"), null),
                new Call("POST", "/api/channels", json(Map.of("type", "sms", "name", "x"))),
                new Call("PATCH", "/api/channels/" + ids.get("channel"), json(Map.of("name", "renamed"))),
                new Call("PUT", "/api/features/beta", json(Map.of("enabled", true))),
                new Call("PUT", "/api/agent-deployments/" + ids.get("channel"), json(Map.of("enabled", true))),
                new Call("GET", "/api/users", null),
                new Call("POST", "/api/users", json(Map.of("email", "x@y.example", "name", "x", "role", "admin"))),
                new Call("GET", "/api/ops/lag", null));
        for (Call call : adminOnly) {
            JsonClient.Answer answer = api.send(call.method(), call.path(), agent.accessToken(),
                    call.body() == null ? null : "application/json", call.body());
            assertThat(answer.status()).as(call.method() + " " + call.path()).isEqualTo(403);
        }
        assertThat(api.get("/api/conversations/" + ids.get("conversation"), owner.accessToken()).status())
                .isEqualTo(200);
        assertThat(api.get("/api/channels/" + ids.get("channel"), owner.accessToken()).json().get("name").asText())
                .isEqualTo("Shop");
    }

    @Test
    void anotherTenantsIdsAreNotFoundAndTheirDataIsUntouched() {
        String token = stranger.accessToken();
        record Call(String method, String path, String body) {
        }
        List<Call> calls = List.of(
                new Call("GET", "/api/conversations/" + ids.get("conversation"), null),
                new Call("PATCH", "/api/conversations/" + ids.get("conversation"), json(Map.of("status", "resolved"))),
                new Call("DELETE", "/api/conversations/" + ids.get("conversation"), null),
                new Call("GET", "/api/messages/" + ids.get("message"), null),
                new Call("GET", "/api/messages?conversationId=" + ids.get("conversation"), null),
                new Call("POST", "/api/messages", json(Map.of("conversationId", ids.get("conversation"),
                        "text", "intrusion"))),
                new Call("POST", "/api/conversations", json(Map.of("contactId", ids.get("contact"),
                        "channelId", ids.get("channel")))),
                new Call("GET", "/api/contacts/" + ids.get("contact"), null),
                new Call("PATCH", "/api/contacts/" + ids.get("contact"), json(Map.of("name", "Stolen"))),
                new Call("DELETE", "/api/contacts/" + ids.get("contact"), null),
                new Call("GET", "/api/contacts/" + ids.get("contact") + "/identifiers", null),
                new Call("POST", "/api/contacts/" + ids.get("contact") + "/identifiers",
                        json(Map.of("type", "external", "value", "x"))),
                new Call("POST", "/api/contacts/" + ids.get("contact") + "/notes", json(Map.of("body", "x"))),
                new Call("GET", "/api/contacts/" + ids.get("contact") + "/notes", null),
                new Call("GET", "/api/tickets/" + ids.get("ticket"), null),
                new Call("PATCH", "/api/tickets/" + ids.get("ticket"), json(Map.of("status", "closed"))),
                new Call("DELETE", "/api/tickets/" + ids.get("ticket"), null),
                new Call("POST", "/api/tickets", json(Map.of("subject", "x", "conversationId",
                        ids.get("conversation")))),
                new Call("GET", "/api/leads/" + ids.get("lead"), null),
                new Call("PATCH", "/api/leads/" + ids.get("lead"), json(Map.of("status", "lost"))),
                new Call("DELETE", "/api/leads/" + ids.get("lead"), null),
                new Call("POST", "/api/leads/" + ids.get("lead") + "/convert", null),
                new Call("GET", "/api/channels/" + ids.get("channel"), null),
                new Call("PATCH", "/api/channels/" + ids.get("channel"), json(Map.of("name", "Stolen"))),
                new Call("PUT", "/api/agent-deployments/" + ids.get("channel"), json(Map.of("enabled", true))));
        for (Call call : calls) {
            JsonClient.Answer answer = api.send(call.method(), call.path(), token,
                    call.body() == null ? null : "application/json", call.body());
            assertThat(answer.status()).as(call.method() + " " + call.path()).isEqualTo(404);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        }
        JsonClient.Answer merge = api.post("/api/contacts/" + ids.get("contact") + "/merge", token,
                json(Map.of("mergeContactId", UUID.randomUUID().toString())));
        assertThat(merge.status()).isEqualTo(404);

        String mine = owner.accessToken();
        assertThat(api.get("/api/conversations/" + ids.get("conversation"), mine).json().get("status").asText())
                .isEqualTo("open");
        assertThat(api.get("/api/contacts/" + ids.get("contact"), mine).json().get("name").asText())
                .isEqualTo("Owned");
        assertThat(api.get("/api/tickets/" + ids.get("ticket"), mine).json().get("status").asText())
                .isEqualTo("open");
        assertThat(api.get("/api/leads/" + ids.get("lead"), mine).json().get("status").asText()).isEqualTo("new");
        assertThat(api.get("/api/channels/" + ids.get("channel"), mine).json().get("aiAgentEnabled").asBoolean())
                .isFalse();
        assertThat(api.get("/api/messages?conversationId=" + ids.get("conversation"), mine).json().get("items"))
                .hasSize(1);
        assertThat(api.get("/api/contacts/" + ids.get("contact") + "/notes", mine).json()).isEmpty();
        // lists are the caller's own: the stranger sees none of it
        assertThat(api.get("/api/conversations", token).json().get("items")).isEmpty();
        assertThat(api.get("/api/contacts", token).json().get("items")).isEmpty();
        assertThat(api.get("/api/tickets", token).json().get("items")).isEmpty();
        assertThat(api.get("/api/leads", token).json().get("items")).isEmpty();
        assertThat(api.get("/api/channels", token).json()).isEmpty();
    }
}
