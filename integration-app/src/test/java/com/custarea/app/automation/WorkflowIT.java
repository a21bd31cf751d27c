package com.custarea.app.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.workflows.WorkflowEngine;
import com.custarea.routes.workflows.WorkflowService;
import com.custarea.routes.workflows.WorkflowTriggerType;
import com.custarea.schemas.CallEvent;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.custarea.schemas.WorkflowTrigger;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class WorkflowIT extends DashboardIntegrationTest {

    @Autowired
    private WorkflowService workflows;

    @Autowired
    private WorkflowEngine engine;

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
        // what the steps published, as their rows keep it: none of it is a reply, and the hand-off to the agent
        // that was never paused asks nothing (ingest's request answers the message)
        List<Map<String, Object>> stored = rows("""
                SELECT s.step, r.value ->> 'topic' AS topic, r.value ->> 'value' AS value
                FROM workflow_run_steps s CROSS JOIN LATERAL jsonb_array_elements(s.records) r
                WHERE s.run_id = CAST(:r AS uuid) ORDER BY s.step
                """, Map.of("r", run.get("id").asText()));
        assertThat(stored).extracting(row -> row.get("topic") + " " + PayloadJson.tree(row.get("value").toString())
                .path("type").asText("-")).containsExactly(
                Topics.CONVERSATION_EVENTS.name() + " conversation.updated",
                Topics.CONVERSATION_EVENTS.name() + " conversation.updated",
                Topics.CONVERSATION_EVENTS.name() + " ticket.created");
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
        String unanswered = conversationOf(admin, "waiting");
        assertThat(api.post("/api/messages", admin.accessToken(), json(Map.of("conversationId", answered,
                "text", "Hi, how can I help?"))).status()).isEqualTo(201);
        // one clock per conversation: a second message while the first is unanswered keeps it, one after an answer
        // starts it again
        send(channel, "n-3", "waiting", "Waiting", "still there?");
        send(channel, "n-4", "answered", "Answered", "one more thing");
        String stillThere = await().atMost(Duration.ofSeconds(30)).until(() -> messageIdOrNull(unanswered,
                "still there?"), java.util.Objects::nonNull);
        String oneMore = await().atMost(Duration.ofSeconds(30)).until(() -> messageIdOrNull(answered,
                "one more thing"), java.util.Objects::nonNull);
        await().atMost(Duration.ofSeconds(30)).until(() -> topics.readAll(Topics.WORKFLOW_TRIGGERS.name(),
                record -> record.value().contains(stillThere) || record.value().contains(oneMore)).size() == 2);
        // triggers are keyed by tenant: once a later conversation's run is there, the runner is past both
        send(channel, "n-5", "late", "Late", "hello?");
        await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, followUp).size() == 3);
        String late = conversationOf(admin, "late");
        String anyoneThere = messageId(unanswered, "anyone there?");
        String hello = messageId(late, "hello?");
        // (the late message's own trigger may follow its conversation's)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(rows("""
                SELECT trigger ->> 'conversationId' AS conversation, trigger ->> 'messageId' AS message
                FROM workflow_timers WHERE tenant_id = :t AND kind = 'no_reply' AND fired_at IS NULL
                """, Map.of("t", admin.tenantId()))).extracting(row -> row.get("conversation") + " "
                + row.get("message")).containsExactlyInAnyOrder(unanswered + " " + anyoneThere,
                answered + " " + oneMore, late + " " + hello));
        // an hour and thirty minutes later, as far as the timers know
        jdbc.update("UPDATE workflow_timers SET due_at = now() WHERE tenant_id = :t", Map.of("t", admin.tenantId()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(runs(admin, followUp)).hasSize(3).allSatisfy(run ->
                    assertThat(run.get("status").asText()).isEqualTo("completed"));
            assertThat(runs(admin, noReply)).hasSize(3);
        });
        // the answered first message of "answered" started nothing; its unanswered second one did
        assertThat(runs(admin, noReply)).extracting(run -> run.get("conversationId").asText() + " "
                + run.get("messageId").asText()).containsExactlyInAnyOrder(unanswered + " " + anyoneThere,
                answered + " " + oneMore, late + " " + hello);
        JsonNode escalated = api.get("/api/conversations/" + unanswered, admin.accessToken()).json();
        assertThat(escalated.get("priority").asText()).isEqualTo("urgent");
        assertThat(escalated.get("labels")).extracting(JsonNode::asText).containsExactly("new", "followed-up");
        assertThat(timers(admin, null)).isZero();
    }

    @Test
    void handingAConversationToTheHumansSilencesTheAgentAndHandingItBackGetsOneAnswerPerMessage() {
        Session admin = registerTenant();
        TestChannel channel = apiChannelOf(admin, true);
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo(channel.callbackPath())).willReturn(aResponse().withStatus(200)));
        String toHumans = create(admin, Map.of("name", "People on request",
                "trigger", Map.of("type", "keyword_matched", "keywords", List.of("human")),
                "actions", List.of(Map.of("type", "handoff", "to", "human", "note", "Asked: {{message.text}}"))));
        String toAgent = create(admin, Map.of("name", "Back to the agent",
                "trigger", Map.of("type", "keyword_matched", "keywords", List.of("robot")),
                "actions", List.of(Map.of("type", "handoff", "to", "ai"))));

        send(channel, "h-1", "vip", "Very Important", "hello");
        await().atMost(Duration.ofSeconds(30)).until(() -> said(admin, "vip", "Echo: hello") == 1);
        String conversation = conversationOf(admin, "vip");

        send(channel, "h-2", "vip", "Very Important", "a human please");
        await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, toHumans),
                runs -> runs.size() == 1 && runs.get(0).get("status").asText().equals("completed"));
        assertThat(paused(conversation)).isTrue();
        assertThat(rows("SELECT text FROM messages WHERE conversation_id = CAST(:c AS uuid) AND private",
                Map.of("c", conversation))).extracting(row -> row.get("text")).containsExactly("Asked: a human please");
        send(channel, "h-3", "vip", "Very Important", "second");

        // back to the agent while it was paused: the message that did it gets an answer
        send(channel, "h-4", "vip", "Very Important", "the robot again please");
        JsonNode resumed = await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, toAgent),
                runs -> runs.size() == 1 && runs.get(0).get("status").asText().equals("completed")).get(0);
        assertThat(resumed.get("steps").get(0).get("result").get("resumedAgent").asBoolean()).isTrue();
        assertThat(paused(conversation)).isFalse();
        // ingest's request and the workflow's are one request: the same id, so one answer at most
        String message = messageId(conversation, "the robot again please");
        List<ConsumerRecord<String, String>> requests = await().atMost(Duration.ofSeconds(30)).until(() ->
                topics.readAll(Topics.AI_REQUESTS.name(), record -> record.value().contains(message)),
                found -> found.size() == 2);
        String requestId = PayloadJson.tree(requests.get(0).value()).get("eventId").asText();
        assertThat(requests).extracting(record -> PayloadJson.tree(record.value()).get("eventId").asText())
                .containsOnly(requestId);
        assertThat(requests).extracting(record -> PayloadJson.tree(record.value()).get("text").asText())
                .containsOnly("the robot again please");

        // back to the agent while it was on: the agent answers as it would have, once
        send(channel, "h-5", "vip", "Very Important", "robot, are you there?");
        await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, toAgent),
                runs -> runs.size() == 2 && runs.get(0).get("status").asText().equals("completed"));
        send(channel, "h-6", "vip", "Very Important", "last one");
        await().atMost(Duration.ofSeconds(30)).until(() -> said(admin, "vip", "Echo: last one") == 1);
        // AI requests are keyed by conversation: every request before the last one's has been answered or skipped
        assertThat(said(admin, "vip", "Echo: the robot again please")).isEqualTo(1);
        assertThat(said(admin, "vip", "Echo: robot, are you there?")).isEqualTo(1);
        assertThat(said(admin, "vip", "Echo: second")).as("silent while handed to the humans").isZero();
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
        // a new contact has no conversation to label, and settings of other triggers do not apply
        assertFieldError(admin, Map.of("name", "x", "trigger", Map.of("type", "contact_created"),
                "actions", List.of(Map.of("type", "create_ticket", "subject", "Welcome"),
                        Map.of("type", "add_label", "label", "a"))), "/actions/1/type");
        assertFieldError(admin, Map.of("name", "x", "trigger", Map.of("type", "message_received",
                "keywords", List.of("refund")), "actions", List.of(Map.of("type", "add_label", "label", "a"))),
                "/trigger/keywords");
        assertFieldError(admin, Map.of("name", "x", "trigger", Map.of("type", "conversation_created",
                "minutes", 5), "actions", List.of(Map.of("type", "add_label", "label", "a"))), "/trigger/minutes");
        assertThat(api.get("/api/workflows", admin.accessToken()).json().get("items")).isEmpty();

        Map<String, Object> valid = Map.of("name", "Label", "trigger", Map.of("type", "contact_created"),
                "actions", List.of(Map.of("type", "create_ticket", "subject", "Welcome {{contact.name}}")));
        Session agent = inviteAgent(admin);
        assertThat(api.post("/api/workflows", agent.accessToken(), json(valid)).status()).isEqualTo(403);
        String id = create(admin, valid);
        JsonClient.Answer replaced = api.put("/api/workflows/" + id, admin.accessToken(), json(Map.of("name", "Label 2",
                "trigger", Map.of("type", "contact_created"), "actions", List.of(Map.of("type", "create_ticket",
                        "subject", "Hello {{contact.name}}")))));
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

        // what a form client sends: every trigger's settings, blank where they do not apply; they count as absent
        JsonClient.Answer blank = api.post("/api/workflows", admin.accessToken(), """
                {"name": "Blank settings",
                 "trigger": {"type": "message_received", "keywords": [], "minutes": null, "channels": null},
                 "actions": [{"type": "add_label", "label": "a"}]}
                """);
        assertThat(blank.status()).as(blank.raw().body()).isEqualTo(201);
        assertThat(blank.json().get("definition").get("trigger")).as("stored without them")
                .isEqualTo(PayloadJson.tree("{\"type\": \"message_received\"}"));
        // the trigger a setting is for still needs it
        for (String needy : List.of("{\"type\": \"keyword_matched\", \"keywords\": []}",
                "{\"type\": \"keyword_matched\", \"keywords\": null}",
                "{\"type\": \"no_reply\", \"minutes\": null}")) {
            JsonClient.Answer refused = api.post("/api/workflows", admin.accessToken(),
                    "{\"name\": \"x\", \"trigger\": " + needy
                            + ", \"actions\": [{\"type\": \"add_label\", \"label\": \"a\"}]}");
            assertThat(refused.status()).as(needy + ": " + refused.raw().body()).isEqualTo(400);
            assertThat(refused.json().get("errors")).as(refused.raw().body()).anySatisfy(error ->
                    assertThat(error.get("pointer").asText()).startsWith("/trigger"));
        }
    }

    @Test
    void aSavedWorkflowStartsAtOnceADisabledOneAtOnceNoMoreAndAResolvedConversationStartsItsOwn() {
        Session admin = registerTenant();
        TestChannel channel = apiChannelOf(admin, false);
        String onResolved = create(admin, Map.of("name", "Tag the resolved",
                "trigger", Map.of("type", "conversation_resolved"),
                "actions", List.of(Map.of("type", "add_label", "label", "resolved-once"))));
        // the trigger check now holds the tenant's answer: no workflow starts on messages
        assertThat(workflows.hasTriggerWorkflow(admin.tenantId(), WorkflowTriggerType.MESSAGE_RECEIVED)).isFalse();

        send(channel, "t-1", "cached", "Cached", "before any message workflow");
        String first = await().atMost(Duration.ofSeconds(30)).until(() -> conversationsOf(admin, "cached"),
                found -> found.size() == 1).get(0);
        resolve(admin, first);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, onResolved),
                runs -> runs.size() == 1 && runs.get(0).get("status").asText().equals("completed"));
        assertThat(api.get("/api/conversations/" + first, admin.accessToken()).json().get("labels"))
                .extracting(JsonNode::asText).containsExactly("resolved-once");
        // the message's event came before the resolution's, on the conversation's partition: it started nothing
        assertThat(topics.readAll(Topics.WORKFLOW_TRIGGERS.name(), record -> record.value()
                .contains(admin.tenantId().toString()))).extracting(record -> PayloadJson.tree(record.value())
                .get("trigger").asText()).containsExactly("conversation_resolved");

        String onMessage = create(admin, Map.of("name", "Every message", "trigger", Map.of("type",
                "message_received"), "actions", List.of(Map.of("type", "add_label", "label", "seen"))));
        assertThat(workflows.hasTriggerWorkflow(admin.tenantId(), WorkflowTriggerType.MESSAGE_RECEIVED))
                .as("the cache forgot the old answer as the workflow was saved").isTrue();
        send(channel, "t-2", "cached", "Cached", "now with a workflow");
        // at once: far within the 30 s the trigger cache keeps an answer
        await().atMost(Duration.ofSeconds(10)).until(() -> runs(admin, onMessage),
                runs -> runs.size() == 1 && runs.get(0).get("status").asText().equals("completed"));

        assertThat(api.post("/api/workflows/" + onMessage + "/disable", admin.accessToken(), null).status())
                .isEqualTo(200);
        assertThat(workflows.hasTriggerWorkflow(admin.tenantId(), WorkflowTriggerType.MESSAGE_RECEIVED))
                .as("the cache forgot the old answer as the workflow was disabled").isFalse();
        send(channel, "t-3", "cached", "Cached", "after disabling");
        String second = await().atMost(Duration.ofSeconds(30)).until(() -> conversationsOf(admin, "cached"),
                found -> found.size() == 2).stream().filter(id -> !id.equals(first)).findFirst().orElseThrow();
        String disabledFor = await().atMost(Duration.ofSeconds(30)).until(() -> messageIdOrNull(second,
                "after disabling"), java.util.Objects::nonNull);
        resolve(admin, second);
        // the resolution's run shows the message before it went through the trigger check
        await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, onResolved),
                runs -> runs.size() == 2 && runs.get(0).get("status").asText().equals("completed"));
        assertThat(runs(admin, onMessage)).hasSize(1);
        assertThat(topics.readAll(Topics.WORKFLOW_TRIGGERS.name(), record -> record.value().contains(disabledFor)))
                .isEmpty();
    }

    @Test
    void aNewContactStartsItsWorkflowWhichOpensATicketForIt() {
        Session admin = registerTenant();
        String workflow = create(admin, Map.of("name", "Welcome new contacts",
                "trigger", Map.of("type", "contact_created"),
                "conditions", List.of(Map.of("field", "contact.attributes.plan", "operator", "equals",
                        "value", "pro")),
                "actions", List.of(Map.of("type", "create_ticket", "subject", "Onboard {{contact.name}}"))));

        String basic = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Basil",
                "externalId", "basil-1", "attributes", Map.of("plan", "free")))).json().get("id").asText();
        String pro = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Noor",
                "externalId", "noor-1", "attributes", Map.of("plan", "pro")))).json().get("id").asText();

        List<JsonNode> all = await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, workflow),
                runs -> runs.size() == 2 && runs.stream().noneMatch(run -> run.get("status").asText()
                        .equals("running")));
        assertThat(all).extracting(run -> run.get("contactId").asText() + " " + run.get("status").asText())
                .containsExactlyInAnyOrder(basic + " skipped", pro + " completed");
        assertThat(rows("SELECT subject, contact_id::text AS contact FROM tickets WHERE tenant_id = :t",
                Map.of("t", admin.tenantId()))).extracting(row -> row.get("subject") + " " + row.get("contact"))
                .containsExactly("Onboard Noor " + pro);
    }

    @Test
    void anEndedCallStartsItsWorkflowOnTheCallsConversation() throws Exception {
        Session admin = registerTenant();
        String number = "+1415" + (2_000_000 + (int) (Math.random() * 7_000_000));
        JsonClient.Answer line = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "voice",
                "name", "Phone", "settings", Map.of("phoneNumber", number, "accountSid",
                        "AC" + UUID.randomUUID().toString().replace("-", ""), "mode", "legacy"),
                "secret", UUID.randomUUID().toString().replace("-", ""), "aiAgentEnabled", false)));
        assertThat(line.status()).as(line.raw().body()).isEqualTo(201);
        UUID channelId = UUID.fromString(line.json().get("channel").get("id").asText());
        String workflow = create(admin, Map.of("name", "Follow up calls",
                "trigger", Map.of("type", "call_ended", "channels", List.of("voice")),
                "actions", List.of(Map.of("type", "add_label", "label", "called"),
                        Map.of("type", "set_priority", "priority", "high"))));

        String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
        UUID callId = CallEvent.callIdOf(sid);
        String caller = "+1415" + (2_000_000 + (int) (Math.random() * 7_000_000));
        Instant start = Instant.now().minusSeconds(20);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            for (CallEvent event : List.of(
                    call(admin, callId, channelId, sid, caller, number, CallEvent.STARTED, 0, null, start),
                    call(admin, callId, channelId, sid, caller, number, CallEvent.ENDED, 1, "completed",
                            start.plusSeconds(12)))) {
                producer.send(new ProducerRecord<>(Topics.CALLS_EVENTS.name(), Topics.CALLS_EVENTS.keyFor(event),
                        PayloadJson.write(event))).get();
            }
        }

        JsonNode run = await().atMost(Duration.ofSeconds(30)).until(() -> runs(admin, workflow),
                runs -> runs.size() == 1 && runs.get(0).get("status").asText().equals("completed")).get(0);
        assertThat(run.get("triggerType").asText()).isEqualTo("call_ended");
        String conversation = api.get("/api/phone/calls/" + callId, admin.accessToken()).json()
                .get("conversationId").asText();
        assertThat(run.get("conversationId").asText()).isEqualTo(conversation);
        JsonNode view = api.get("/api/conversations/" + conversation, admin.accessToken()).json();
        assertThat(view.get("labels")).extracting(JsonNode::asText).containsExactly("called");
        assertThat(view.get("priority").asText()).isEqualTo("high");
    }

    @Test
    void aTriggerHandledTwiceAtTheSameTimeDoesEachStepOnce() throws Exception {
        Session admin = registerTenant();
        Session agent = inviteAgent(admin);
        TestChannel channel = apiChannelOf(admin, false);
        String workflow = create(admin, Map.of("name", "Assign the resolved",
                "trigger", Map.of("type", "conversation_resolved"),
                "actions", List.of(Map.of("type", "assign", "userIds", List.of(agent.userId().toString(),
                        admin.userId().toString())), Map.of("type", "add_label", "label", "raced"))));
        String contact = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Race",
                "externalId", "race-1"))).json().get("id").asText();
        String conversation = api.post("/api/conversations", admin.accessToken(), json(Map.of("contactId", contact,
                "channelId", channel.channelId().toString()))).json().get("id").asText();
        // as a timer resuming a run and its redelivered trigger would: the same trigger, handled side by side
        WorkflowTrigger trigger = new WorkflowTrigger(UUID.randomUUID(), admin.tenantId(), Instant.now(),
                WorkflowTrigger.SCHEMA_VERSION, "race", "conversation_resolved", UUID.randomUUID(),
                UUID.fromString(conversation), UUID.fromString(contact), null, Channel.API, channel.channelId());
        int sideBySide = 6;
        CyclicBarrier together = new CyclicBarrier(sideBySide);
        ExecutorService pool = Executors.newFixedThreadPool(sideBySide);
        List<Future<List<OutgoingRecord>>> handled = new ArrayList<>();
        try {
            for (int i = 0; i < sideBySide; i++) {
                handled.add(pool.submit(() -> {
                    together.await();
                    return engine.onTrigger(trigger);
                }));
            }
            List<List<UUID>> published = new ArrayList<>();
            for (Future<List<OutgoingRecord>> each : handled) {
                published.add(each.get(60, TimeUnit.SECONDS).stream()
                        .map(record -> PayloadJson.tree(record.value()).get("eventId").asText())
                        .map(UUID::fromString).toList());
            }
            assertThat(published).as("every handling publishes the same records").containsOnly(published.get(0));
            assertThat(published.get(0)).isNotEmpty();
        } finally {
            pool.shutdownNow();
        }
        assertThat(rows("SELECT round_robin_cursor FROM workflows WHERE id = CAST(:w AS uuid)",
                Map.of("w", workflow)).get(0).get("round_robin_cursor")).as("one assignment").isEqualTo(1L);
        JsonNode run = runs(admin, workflow).get(0);
        assertThat(run.get("steps")).extracting(step -> step.get("action").asText() + " "
                + step.get("status").asText()).containsExactly("assign done", "add_label done");
        JsonNode view = api.get("/api/conversations/" + conversation, admin.accessToken()).json();
        assertThat(view.get("assigneeId").asText()).isEqualTo(agent.userId().toString());
        assertThat(view.get("labels")).extracting(JsonNode::asText).containsExactly("raced");
    }

    @Test
    void aResumedAssignStepWaitingForADeletionHoldsNoRunSoTheDeletionGoesThrough() throws Exception {
        Session admin = registerTenant();
        Session agent = inviteAgent(admin);
        TestChannel channel = apiChannelOf(admin, false);
        String workflow = create(admin, Map.of("name", "Assign later",
                "trigger", Map.of("type", "conversation_resolved"),
                "actions", List.of(Map.of("type", "wait", "minutes", 60), Map.of("type", "assign", "userIds",
                        List.of(agent.userId().toString())))));
        String contact = api.post("/api/contacts", admin.accessToken(), json(Map.of("name", "Later",
                "externalId", "later-1"))).json().get("id").asText();
        String conversation = api.post("/api/conversations", admin.accessToken(), json(Map.of("contactId", contact,
                "channelId", channel.channelId().toString()))).json().get("id").asText();
        engine.onTrigger(new WorkflowTrigger(UUID.randomUUID(), admin.tenantId(), Instant.now(),
                WorkflowTrigger.SCHEMA_VERSION, "later", "conversation_resolved", UUID.randomUUID(),
                UUID.fromString(conversation), UUID.fromString(contact), null, Channel.API, channel.channelId()));
        String run = runs(admin, workflow).get(0).get("id").asText();
        assertThat(runs(admin, workflow).get(0).get("status").asText()).isEqualTo("waiting");

        DataSource database = jdbc.getJdbcTemplate().getDataSource();
        try (Connection deletion = database.getConnection(); Connection probe = database.getConnection()) {
            deletion.setAutoCommit(false);
            // a deletion of the workflow under way: its row locked, as DELETE locks it before cascading to the runs
            try (PreparedStatement lock = deletion.prepareStatement(
                    "SELECT id FROM workflows WHERE id = CAST(? AS uuid) FOR UPDATE")) {
                lock.setString(1, workflow);
                lock.executeQuery().close();
            }
            // the wait is over: the timer resumes the run at its assign step, which moves the workflow's cursor
            jdbc.update("UPDATE workflow_timers SET due_at = now() WHERE run_id = CAST(:r AS uuid)",
                    Map.of("r", run));
            await().atMost(Duration.ofSeconds(30)).until(() -> !waitingOnWorkflows().isEmpty());
            // the resumed step waits for the workflow's row holding nothing of the run: the deletion's cascade
            // would otherwise wait for the step while the step waits for the deletion
            probe.setAutoCommit(false);
            try (PreparedStatement runLock = probe.prepareStatement(
                    "SELECT id FROM workflow_runs WHERE id = CAST(? AS uuid) FOR UPDATE NOWAIT")) {
                runLock.setString(1, run);
                assertThatCode(() -> runLock.executeQuery().close()).as("the run's row is free")
                        .doesNotThrowAnyException();
            }
            probe.rollback();
            try (PreparedStatement delete = deletion.prepareStatement(
                    "DELETE FROM workflows WHERE id = CAST(? AS uuid)")) {
                delete.setString(1, workflow);
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            deletion.commit();
        }
        // the step went on once the deletion committed, found no workflow and did nothing
        await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnWorkflows().isEmpty());
        assertThat(rows("""
                SELECT id FROM workflow_timers WHERE run_id = CAST(:r AS uuid)
                UNION ALL SELECT id FROM workflow_runs WHERE id = CAST(:r AS uuid)
                """, Map.of("r", run))).isEmpty();
        JsonNode assignee = api.get("/api/conversations/" + conversation, admin.accessToken()).json()
                .path("assigneeId");
        assertThat(assignee.isNull() || assignee.isMissingNode()).as(assignee.toString()).isTrue();
    }

    /** The sessions waiting for a lock in a statement on the workflows table. */
    private List<Map<String, Object>> waitingOnWorkflows() {
        return rows("""
                SELECT pid FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query ILIKE '%workflows%' AND query NOT ILIKE '%pg_stat%'
                """, Map.of());
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
        return conversationsOf(admin, sender).get(0);
    }

    private CallEvent call(Session admin, UUID callId, UUID channelId, String sid, String caller, String number,
                           String type, int sequence, String endReason, Instant at) {
        return new CallEvent(UUID.randomUUID(), admin.tenantId(), at, CallEvent.SCHEMA_VERSION, "call-" + callId,
                callId, channelId, type, sequence, sid, "inbound", "legacy", caller, number, null, null, null, null,
                CallEvent.ENDED.equals(type) ? 12 : null, endReason);
    }

    private void resolve(Session admin, String conversation) {
        JsonClient.Answer resolved = api.patch("/api/conversations/" + conversation, admin.accessToken(),
                json(Map.of("status", "resolved")));
        assertThat(resolved.status()).as(resolved.raw().body()).isEqualTo(200);
    }

    private boolean paused(String conversation) {
        return (Boolean) rows("SELECT ai_paused FROM conversations WHERE id = CAST(:c AS uuid)",
                Map.of("c", conversation)).get(0).get("ai_paused");
    }

    /** How many messages of the sender's conversation have exactly this text. */
    private int said(Session admin, String sender, String text) {
        List<String> conversations = conversationsOf(admin, sender);
        return conversations.isEmpty() ? 0 : rows("""
                SELECT id FROM messages WHERE conversation_id = CAST(:c AS uuid) AND text = :t
                """, Map.of("c", conversations.get(0), "t", text)).size();
    }

    private String messageId(String conversation, String text) {
        String id = messageIdOrNull(conversation, text);
        assertThat(id).as("a message \"" + text + "\"").isNotNull();
        return id;
    }

    private String messageIdOrNull(String conversation, String text) {
        List<Map<String, Object>> found = rows("""
                SELECT id FROM messages WHERE conversation_id = CAST(:c AS uuid) AND text = :t
                """, Map.of("c", conversation, "t", text));
        return found.isEmpty() ? null : found.get(0).get("id").toString();
    }

    private List<String> conversationsOf(Session admin, String sender) {
        return rows("""
                SELECT c.id FROM conversations c
                JOIN contact_identifiers ci ON ci.contact_id = c.contact_id AND ci.tenant_id = c.tenant_id
                WHERE c.tenant_id = :t AND ci.value = :sender ORDER BY c.created_at
                """, Map.of("t", admin.tenantId(), "sender", sender)).stream().map(row -> row.get("id").toString())
                .toList();
    }
}
