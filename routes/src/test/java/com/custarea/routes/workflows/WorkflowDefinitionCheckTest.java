package com.custarea.routes.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The checks of a definition that need no database: what the trigger gives a run to act on. */
class WorkflowDefinitionCheckTest {

    // none of these definitions names users, teams or subscriptions, so nothing is looked up
    private final WorkflowService workflows = new WorkflowService(null, null, null, Duration.ofSeconds(30));

    @Test
    void aNewContactHasNoConversationToLabelAssignAnswerOrHandOver() {
        assertThat(pointers(Map.of("type", "contact_created"), List.of(), List.of(
                Map.of("type", "create_ticket", "subject", "Welcome"),
                Map.of("type", "add_label", "label", "x"),
                Map.of("type", "assign", "userIds", List.of()),
                Map.of("type", "set_priority", "priority", "high"),
                Map.of("type", "send_reply", "text", "hi"),
                Map.of("type", "handoff", "to", "human"),
                Map.of("type", "wait", "minutes", 5))))
                .containsExactly("/actions/1/type", "/actions/2/type", "/actions/3/type", "/actions/4/type",
                        "/actions/5/type");
    }

    @Test
    void triggerSettingsAndConditionsThatDoNotApplyToTheTriggerAreRefused() {
        assertThat(pointers(Map.of("type", "message_received", "keywords", List.of("refund"), "minutes", 5),
                List.of(), List.of(Map.of("type", "add_label", "label", "x"))))
                .containsExactly("/trigger/keywords", "/trigger/minutes");
        assertThat(pointers(Map.of("type", "contact_created", "channels", List.of("api")),
                List.of(Map.of("field", "conversation.status", "operator", "equals", "value", "open"),
                        Map.of("field", "contact.name", "operator", "exists")),
                List.of(Map.of("type", "create_ticket", "subject", "Welcome"))))
                .containsExactly("/trigger/channels", "/conditions/0/field");
        assertThat(pointers(Map.of("type", "conversation_resolved"),
                List.of(Map.of("field", "message.text", "operator", "contains", "value", "thanks")),
                List.of(Map.of("type", "add_label", "label", "x"))))
                .containsExactly("/conditions/0/field");
    }

    @Test
    void definitionsThatFitTheirTriggerPass() {
        for (Map<String, Object> trigger : List.<Map<String, Object>>of(Map.of("type", "contact_created"),
                Map.of("type", "keyword_matched", "keywords", List.of("refund")),
                Map.of("type", "no_reply", "minutes", 30), Map.of("type", "call_ended", "channels", List.of("voice")))) {
            List<Map<String, Object>> actions = trigger.get("type").equals("contact_created")
                    ? List.of(Map.of("type", "create_ticket", "subject", "Welcome {{contact.name}}"),
                    Map.of("type", "wait", "minutes", 5))
                    : List.of(Map.of("type", "add_label", "label", "x"), Map.of("type", "handoff", "to", "ai"));
            assertThatCode(() -> workflows.check(UUID.randomUUID(), PayloadJson.tree(PayloadJson.write(Map.of(
                    "name", "ok", "trigger", trigger, "conditions", List.of(Map.of("field", "contact.name",
                            "operator", "exists")), "actions", actions))))).as(trigger.toString())
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void blankSettingsOfOtherTriggersCountAsAbsentAndAreNotStored() {
        // what a form client sends: every trigger's settings, blank where they do not apply
        JsonNode submitted = PayloadJson.tree("""
                {"name": "blank", "trigger": {"type": "message_received", "keywords": [], "minutes": null,
                                              "channels": null},
                 "actions": [{"type": "add_label", "label": "x"}]}
                """);
        assertThatCode(() -> workflows.check(UUID.randomUUID(), submitted)).doesNotThrowAnyException();
        JsonNode stored = WorkflowService.withoutBlankTriggerSettings(submitted);
        assertThat(stored.get("trigger")).isEqualTo(PayloadJson.tree("{\"type\": \"message_received\"}"));
        assertThat(submitted.get("trigger").has("keywords")).as("the submitted definition is left as it is").isTrue();

        JsonNode contact = PayloadJson.tree("""
                {"name": "blank", "trigger": {"type": "contact_created", "channels": [], "keywords": null},
                 "actions": [{"type": "create_ticket", "subject": "Welcome"}]}
                """);
        assertThatCode(() -> workflows.check(UUID.randomUUID(), contact)).doesNotThrowAnyException();
        // settings that say something are kept, and still refused where they do not apply
        JsonNode keywords = PayloadJson.tree("""
                {"name": "kept", "trigger": {"type": "keyword_matched", "keywords": ["refund"], "minutes": null,
                                             "channels": ["email"]},
                 "actions": [{"type": "add_label", "label": "x"}]}
                """);
        assertThat(WorkflowService.withoutBlankTriggerSettings(keywords).get("trigger")).isEqualTo(PayloadJson.tree(
                "{\"type\": \"keyword_matched\", \"keywords\": [\"refund\"], \"channels\": [\"email\"]}"));
        assertThat(pointers(Map.of("type", "message_received", "minutes", 0), List.of(),
                List.of(Map.of("type", "add_label", "label", "x")))).containsExactly("/trigger/minutes");
    }

    private List<String> pointers(Map<String, Object> trigger, List<Map<String, Object>> conditions,
                                  List<Map<String, Object>> actions) {
        ProblemException refused = catchThrowableOfType(() -> workflows.check(UUID.randomUUID(),
                PayloadJson.tree(PayloadJson.write(Map.of("name", "x", "trigger", trigger, "conditions", conditions,
                        "actions", actions)))), ProblemException.class);
        assertThat(refused).as("refused").isNotNull();
        return refused.errors().stream().map(Problem.FieldError::pointer).toList();
    }
}
