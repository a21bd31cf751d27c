package com.custarea.app.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class WorkflowIT extends DashboardIntegrationTest {

    @Test
    void aKeywordWorkflowRunsItsActionsEndToEndAndARedeliveredTriggerRunsNothingTwice() throws Exception {
        Session admin = registerTenant();
        Session agent = inviteAgent(admin);
        TestChannel channel = apiChannelOf(admin, false);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));
        String hookPath = "/hooks/" + UUID.randomUUID();
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(hookPath)).willReturn(aResponse().withStatus(200)));
        String subscription = api.post("/api/webhook-subscriptions", admin.accessToken(), json(Map.of(
                "url", TENANT_SYSTEMS.baseUrl() + hookPath, "eventTypes", List.of("ticket.created"))))
                .json().get("id").asText();
        JsonClient.Answer created = api.post("/api/workflows", admin.accessToken(), json(Map.of(
                "name", "Refunds to billing",
                "trigger", Map.of("type", "keyword_matched", "keywords", List.of("refund"), "channels", List.of("api")),
                "conditions", List.of(
                        Map.of("field", "message.text", "operator", "contains", "value", "order"),
                        Map.of("field", "conversation.status", "operator", "equals", "value", "open")),
                "actions", List.of(
                        Map.of("type", "add_label", "label", "billing"),
                        Map.of("type", "set_priority", "priority", "high"),
                        Map.of("type", "assign", "userIds", List.of(agent.userId().toString(),
                                admin.userId().toString())),
                        Map.of("type", "create_ticket", "subject", "Refund for {{contact.name}}"),
                        Map.of("type", "send_reply", "text", "Hi {{contact.name}}, billing has your refund request."),
                        Map.of("type", "send_webhook", "subscriptionId", subscription)))));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.json().get("version").asInt()).isEqualTo(1);
        String workflow = created.json().get("id").asText();

        send(channel, "w-1", "grace", "Grace", "I want a Refund for my order");
        JsonNode first = await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, workflow),
                runs -> runs.size() == 1 && runs.get(0).get("status").asText().equals("completed")).get(0);
        assertThat(first.get("steps")).hasSize(6).allSatisfy(step ->
                assertThat(step.get("status").asText()).isEqualTo("done"));
        String conversation = first.get("conversationId").asText();
        JsonNode view = api.get("/api/conversations/" + conversation, admin.accessToken()).json();
        assertThat(view.get("labels")).extracting(JsonNode::asText).containsExactly("billing");
        assertThat(view.get("priority").asText()).isEqualTo("high");
        assertThat(view.get("assigneeId").asText()).isEqualTo(agent.userId().toString());
        JsonNode tickets = api.get("/api/tickets", admin.accessToken()).json().get("items");
        assertThat(tickets).hasSize(1);
        assertThat(tickets.get(0).get("subject").asText()).isEqualTo("Refund for Grace");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo(
                        channel.callbackPath())))).anySatisfy(request -> assertThat(request.getBodyAsString())
                .contains("Hi Grace, billing has your refund request.")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TENANT_SYSTEMS.findAll(
                postRequestedFor(urlPathEqualTo(hookPath))))
                .extracting(request -> request.getHeader(ApiChannelHeaders.EVENT))
                .containsExactlyInAnyOrder("ticket.created", "workflow.action"));

        // the condition does not hold: a run is logged as skipped, and nothing is done
        send(channel, "w-2", "lin", "Lin", "refund please");
        // no keyword: no run at all
        send(channel, "w-3", "max", "Max", "where is my order?");
        JsonNode skipped = await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, workflow),
                runs -> runs.size() == 2).get(0);
        assertThat(skipped.get("status").asText()).isEqualTo("skipped");
        assertThat(skipped.get("detail").asText()).contains("message.text contains");
        assertThat(skipped.get("steps")).isEmpty();

        // the first trigger again, as Kafka would redeliver it after a crash
        ConsumerRecord<String, String> trigger = topics.readAll(Topics.WORKFLOW_TRIGGERS.name(), record ->
                record.value().contains(conversation)).get(0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(trigger.topic(), trigger.key(), trigger.value())).get();
        }
        // a later trigger of the same tenant (same partition) shows the redelivered one was processed
        send(channel, "w-4", "ada", "Ada", "refund for order 7");
        List<JsonNode> all = await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, workflow),
                runs -> runs.size() == 3 && runs.get(0).get("status").asText().equals("completed"));
        String secondConversation = all.get(0).get("conversationId").asText();
        assertThat(api.get("/api/conversations/" + secondConversation, admin.accessToken()).json()
                .get("assigneeId").asText()).as("round robin moved on once").isEqualTo(admin.userId().toString());
        assertThat(rows("SELECT id FROM tickets WHERE tenant_id = :t AND conversation_id = CAST(:c AS uuid)",
                Map.of("t", admin.tenantId(), "c", conversation))).hasSize(1);
        assertThat(rows("""
                SELECT id FROM messages WHERE tenant_id = :t AND conversation_id = CAST(:c AS uuid)
                  AND sender_type = 'system'
                """, Map.of("t", admin.tenantId(), "c", conversation))).hasSize(1);
        assertThat(rows("SELECT id FROM webhook_deliveries WHERE tenant_id = :t AND event_type = 'workflow.action'",
                Map.of("t", admin.tenantId()))).hasSize(2);
        assertThat(rows("SELECT step FROM workflow_run_steps WHERE run_id = CAST(:r AS uuid)",
                Map.of("r", first.get("id").asText()))).hasSize(6);
    }

    @Test
    void aRedeliveredTriggerPublishesWhatEveryDoneStepPublishedAgainUnderTheSameEventIds() throws Exception {
        Session admin = registerTenant();
        TestChannel channel = apiChannelOf(admin, true);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));
        String workflow = create(admin, Map.of("name", "Invoices",
                "trigger", Map.of("type", "keyword_matched", "keywords", List.of("invoice")),
                "actions", List.of(Map.of("type", "add_label", "label", "invoices"),
                        Map.of("type", "set_priority", "priority", "high"),
                        Map.of("type", "create_ticket", "subject", "Invoice for {{contact.name}}"),
                        Map.of("type", "handoff", "to", "ai"))));

        send(channel, "r-1", "rita", "Rita", "Where is my invoice?");
        JsonNode run = await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, workflow),
                runs -> runs.size() == 1 && runs.get(0).get("status").asText().equals("completed")).get(0);
        // what the steps published, as their rows keep it: none of it is a reply
        List<Map<String, Object>> stored = rows("""
                SELECT s.step, r.value ->> 'topic' AS topic, r.value ->> 'value' AS value
                FROM workflow_run_steps s CROSS JOIN LATERAL jsonb_array_elements(s.records) r
                WHERE s.run_id = CAST(:r AS uuid) ORDER BY s.step
                """, Map.of("r", run.get("id").asText()));
        assertThat(stored).extracting(row -> row.get("topic") + " " + PayloadJson.tree(row.get("value").toString())
                .path("type").asText("-")).containsExactly(
                Topics.CONVERSATION_EVENTS.name() + " conversation.updated",
                Topics.CONVERSATION_EVENTS.name() + " conversation.updated",
                Topics.CONVERSATION_EVENTS.name() + " ticket.created",
                Topics.AI_REQUESTS.name() + " -");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(stored).allSatisfy(record ->
                assertThat(published(record)).containsExactly(record.get("value").toString())));

        // the trigger again, as Kafka redelivers it when the runner crashed after the steps' commits, before the
        // records were out: the steps are not done again, and their records go out again as they were
        ConsumerRecord<String, String> trigger = topics.readAll(Topics.WORKFLOW_TRIGGERS.name(), record ->
                record.value().contains(run.get("triggerEventId").asText())).get(0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(trigger.topic(), trigger.key(), trigger.value())).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(stored).allSatisfy(record ->
                assertThat(published(record)).containsExactly(record.get("value").toString(),
                        record.get("value").toString())));
        assertThat(runs(admin, workflow)).hasSize(1);
        assertThat(rows("SELECT id FROM tickets WHERE tenant_id = :t", Map.of("t", admin.tenantId()))).hasSize(1);
    }

    @Test
    void aWaitAndANoReplyTimerFireFromTheDatabase() {
        Session admin = registerTenant();
        TestChannel channel = apiChannelOf(admin, false);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));
        String followUp = create(admin, Map.of("name", "Follow up new conversations",
                "trigger", Map.of("type", "conversation_created"),
                "actions", List.of(Map.of("type", "add_label", "label", "new"),
                        Map.of("type", "wait", "minutes", 60),
                        Map.of("type", "add_label", "label", "followed-up"))));
        String noReply = create(admin, Map.of("name", "Escalate the unanswered",
                "trigger", Map.of("type", "no_reply", "minutes", 30),
                "actions", List.of(Map.of("type", "set_priority", "priority", "urgent"))));

        send(channel, "n-1", "waiting", "Waiting", "anyone there?");
        send(channel, "n-2", "answered", "Answered", "hello");
        List<JsonNode> waiting = await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, followUp),
                runs -> runs.size() == 2 && runs.stream().allMatch(run -> run.get("status").asText()
                        .equals("waiting")));
        assertThat(waiting.get(0).get("steps").get(1).get("status").asText()).isEqualTo("waiting");
        await().atMost(Duration.ofSeconds(30)).until(() -> timers(admin, "no_reply") == 2);

        String answered = conversationOf(admin, "answered");
        assertThat(api.post("/api/messages", admin.accessToken(), json(Map.of("conversationId", answered,
                "text", "Hi, how can I help?"))).status()).isEqualTo(201);
        // an hour and thirty minutes later, as far as the timers know
        jdbc.update("UPDATE workflow_timers SET due_at = now() WHERE tenant_id = :t", Map.of("t", admin.tenantId()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(runs(admin, followUp)).hasSize(2).allSatisfy(run ->
                    assertThat(run.get("status").asText()).isEqualTo("completed"));
            assertThat(runs(admin, noReply)).hasSize(1);
        });
        String unanswered = conversationOf(admin, "waiting");
        JsonNode escalated = api.get("/api/conversations/" + unanswered, admin.accessToken()).json();
        assertThat(escalated.get("priority").asText()).isEqualTo("urgent");
        assertThat(escalated.get("labels")).extracting(JsonNode::asText).containsExactly("new", "followed-up");
        assertThat(api.get("/api/conversations/" + answered, admin.accessToken()).json().get("priority").asText())
                .isEqualTo("none");
        assertThat(timers(admin, null)).isZero();
    }

    @Test
    void handingAConversationToTheHumansSilencesTheAgent() {
        Session admin = registerTenant();
        TestChannel channel = apiChannelOf(admin, true);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));
        String workflow = create(admin, Map.of("name", "VIPs go to people",
                "trigger", Map.of("type", "message_received"),
                "conditions", List.of(Map.of("field", "contact.name", "operator", "in",
                        "value", List.of("Very Important"))),
                "actions", List.of(Map.of("type", "handoff", "to", "human", "note", "VIP: {{message.text}}"))));

        send(channel, "h-1", "vip", "Very Important", "first");
        await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, workflow),
                runs -> runs.size() == 1 && runs.get(0).get("status").asText().equals("completed"));
        String conversation = conversationOf(admin, "vip");
        assertThat(rows("SELECT text FROM messages WHERE conversation_id = CAST(:c AS uuid) AND private",
                Map.of("c", conversation))).extracting(row -> row.get("text")).containsExactly("VIP: first");

        send(channel, "h-2", "vip", "Very Important", "second");
        await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, workflow).size() == 2);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(rows("SELECT id FROM messages WHERE conversation_id = CAST(:c AS uuid) AND text = :t",
                        Map.of("c", conversation, "t", "Echo: second"))).isEmpty());
    }

    @Test
    void aBadDefinitionIsRefusedWithFieldErrorsAndWorkflowsStayWithinTheirTenant() {
        Session admin = registerTenant();
        Session other = registerTenant();
        String otherSubscription = api.post("/api/webhook-subscriptions", other.accessToken(), json(Map.of(
                "url", TENANT_SYSTEMS.baseUrl() + "/hooks/other", "eventTypes", List.of("ticket.created"))))
                .json().get("id").asText();

        assertFieldError(admin, Map.of("name", "x", "trigger", Map.of("type", "keyword_matched"),
                "actions", List.of(Map.of("type", "add_label", "label", "a"))), "/trigger");
        assertFieldError(admin, Map.of("name", "x", "trigger", Map.of("type", "message_received"),
                "actions", List.of(Map.of("type", "launch_rocket"))), "/actions/0/type");
        assertFieldError(admin, Map.of("name", "x", "trigger", Map.of("type", "message_received"),
                "conditions", List.of(Map.of("field", "business_hours", "operator", "equals", "value", "yes")),
                "actions", List.of(Map.of("type", "add_label", "label", "a"))), "/conditions/0/operator");
        assertFieldError(admin, Map.of("name", "x", "trigger", Map.of("type", "message_received"),
                "conditions", List.of(Map.of("field", "business_hours", "operator", "within", "hours", Map.of(
                        "timezone", "Mars/Olympus", "days", List.of("mon"), "start", "09:00", "end", "17:00"))),
                "actions", List.of(Map.of("type", "add_label", "label", "a"))), "/conditions/0/hours/timezone");
        assertFieldError(admin, Map.of("name", "x", "trigger", Map.of("type", "message_received"),
                "actions", List.of(Map.of("type", "assign", "userIds", List.of(other.userId().toString())))),
                "/actions/0/userIds/0");
        assertFieldError(admin, Map.of("name", "x", "trigger", Map.of("type", "message_received"),
                "actions", List.of(Map.of("type", "send_webhook", "subscriptionId", otherSubscription))),
                "/actions/0/subscriptionId");
        assertThat(api.get("/api/workflows", admin.accessToken()).json().get("items")).isEmpty();

        Map<String, Object> valid = Map.of("name", "Label", "trigger", Map.of("type", "contact_created"),
                "actions", List.of(Map.of("type", "add_label", "label", "a")));
        Session agent = inviteAgent(admin);
        assertThat(api.post("/api/workflows", agent.accessToken(), json(valid)).status()).isEqualTo(403);
        String id = create(admin, valid);
        JsonClient.Answer replaced = api.put("/api/workflows/" + id, admin.accessToken(), json(Map.of("name", "Label 2",
                "trigger", Map.of("type", "contact_created"), "actions", List.of(Map.of("type", "add_label",
                        "label", "b")))));
        assertThat(replaced.json().get("version").asInt()).isEqualTo(2);
        assertThat(api.get("/api/workflows/" + id + "/versions", agent.accessToken()).json().get("items")).hasSize(2);
        assertThat(api.post("/api/workflows/" + id + "/disable", admin.accessToken(), null).json()
                .get("enabled").asBoolean()).isFalse();
        for (JsonClient.Answer answer : List.of(api.get("/api/workflows/" + id, other.accessToken()),
                api.put("/api/workflows/" + id, other.accessToken(), json(valid)),
                api.post("/api/workflows/" + id + "/enable", other.accessToken(), null),
                api.get("/api/workflows/" + id + "/runs", other.accessToken()),
                api.get("/api/workflows/" + id + "/versions", other.accessToken()),
                api.delete("/api/workflows/" + id, other.accessToken()))) {
            assertThat(answer.status()).isEqualTo(404);
        }
        assertThat(api.get("/api/workflows/" + id, admin.accessToken()).json().get("name").asText())
                .isEqualTo("Label 2");
    }

    private void assertFieldError(Session admin, Map<String, Object> definition, String pointer) {
        JsonClient.Answer refused = api.post("/api/workflows", admin.accessToken(), json(definition));
        assertThat(refused.status()).as(refused.raw().body()).isEqualTo(400);
        assertThat(refused.json().get("errors")).as(refused.raw().body())
                .anySatisfy(error -> assertThat(error.get("pointer").asText()).startsWith(pointer));
    }

    private String create(Session admin, Map<String, Object> definition) {
        JsonClient.Answer created = api.post("/api/workflows", admin.accessToken(), json(definition));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private void send(TestChannel channel, String messageId, String sender, String name, String text) {
        assertThat(client.postMessage(channel.channelId(), channel.secret(), json(Map.of("messageId", messageId,
                "sender", Map.of("id", sender, "name", name), "text", text))).statusCode()).isEqualTo(202);
    }

    private List<JsonNode> runs(Session admin, String workflow) {
        List<JsonNode> runs = new ArrayList<>();
        api.get("/api/workflows/" + workflow + "/runs", admin.accessToken()).json().get("items").forEach(runs::add);
        return runs;
    }

    /** The values on a stored record's topic that carry its event id, in the order they were published. */
    private List<String> published(Map<String, Object> stored) {
        String eventId = PayloadJson.tree(stored.get("value").toString()).get("eventId").asText();
        return topics.readAll(stored.get("topic").toString(), record -> record.value().contains(eventId)
                        && PayloadJson.tree(record.value()).path("eventId").asText().equals(eventId)).stream()
                .map(ConsumerRecord::value).toList();
    }

    private int timers(Session admin, String kind) {
        Map<String, Object> params = new HashMap<>();
        params.put("t", admin.tenantId());
        params.put("kind", kind);
        return rows("""
                SELECT id FROM workflow_timers WHERE tenant_id = :t AND fired_at IS NULL
                  AND (CAST(:kind AS text) IS NULL OR kind = :kind)
                """, params).size();
    }

    private String conversationOf(Session admin, String sender) {
        return rows("""
                SELECT c.id FROM conversations c
                JOIN contact_identifiers ci ON ci.contact_id = c.contact_id AND ci.tenant_id = c.tenant_id
                WHERE c.tenant_id = :t AND ci.value = :sender
                """, Map.of("t", admin.tenantId(), "sender", sender)).get(0).get("id").toString();
    }
}
