package com.custarea.routes.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.contacts.ContactView;
import com.custarea.routes.conversations.ConversationView;
import com.custarea.routes.conversations.MessageView;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.WorkflowTrigger;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class WorkflowConditionsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:30:00Z");

    private final WorkflowContext context = new WorkflowContext(
            new WorkflowTrigger(UUID.randomUUID(), UUID.randomUUID(), NOW, 1, "c", "message_received",
                    UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), Channel.WHATSAPP,
                    UUID.randomUUID()),
            Optional.of(new ConversationView(UUID.randomUUID(), UUID.randomUUID(), "Grace", UUID.randomUUID(),
                    "whatsapp", "open", null, null, "none", List.of("vip", "billing"), null, NOW, NOW)),
            Optional.of(new ContactView(UUID.randomUUID(), "Grace Hopper", "{\"plan\":\"gold\",\"seats\":12}",
                    List.of(ContactIdentifier.of(IdentifierType.EMAIL, "grace@navy.example")), NOW, NOW)),
            Optional.of(new MessageView(UUID.randomUUID(), UUID.randomUUID(), "inbound", "contact", null, null,
                    "Can I get a refund? My order #12 never came.", "[]", false, "received", null, null, NOW, NOW)),
            NOW);

    @Test
    void everyConditionMustHoldAndTheFirstThatFailsIsNamed() {
        assertThat(WorkflowConditions.firstUnmet(json("""
                [{"field": "channel", "operator": "in", "value": ["sms", "whatsapp"]},
                 {"field": "conversation.labels", "operator": "contains", "value": "VIP"},
                 {"field": "contact.attributes.plan", "operator": "equals", "value": "Gold"},
                 {"field": "contact.email", "operator": "exists"},
                 {"field": "contact.phone", "operator": "not_exists"},
                 {"field": "message.text", "operator": "not_contains", "value": "cancel"}]
                """), context)).isEmpty();
        assertThat(WorkflowConditions.firstUnmet(json("""
                [{"field": "channel", "operator": "equals", "value": "whatsapp"},
                 {"field": "contact.attributes.seats", "operator": "equals", "value": "13"}]
                """), context)).hasValueSatisfying(reason -> assertThat(reason).startsWith("condition 1"));
        assertThat(WorkflowConditions.firstUnmet(json("""
                [{"field": "contact.attributes.missing", "operator": "equals", "value": "x"}]
                """), context)).isPresent();
    }

    @Test
    void businessHoursAreReadInTheirTimeZone() {
        JsonNode hours = json("""
                {"timezone": "America/New_York", "days": ["mon", "tue", "wed", "thu", "fri"],
                 "start": "09:00", "end": "17:00"}
                """);
        // 10:30 UTC on a Friday is 05:30 in New York: closed; 15:00 UTC is 10:00 there: open
        assertThat(WorkflowConditions.withinHours(hours, ZonedDateTime.parse("2026-11-27T05:30-05:00[America/New_York]")))
                .isFalse();
        assertThat(WorkflowConditions.withinHours(hours, ZonedDateTime.parse("2026-11-27T10:00-05:00[America/New_York]")))
                .isTrue();
        assertThat(WorkflowConditions.withinHours(hours, ZonedDateTime.parse("2026-11-28T10:00-05:00[America/New_York]")))
                .as("Saturday").isFalse();
        assertThat(WorkflowConditions.firstUnmet(json("""
                [{"field": "business_hours", "operator": "outside", "hours": {"timezone": "America/New_York",
                  "days": ["fri"], "start": "09:00", "end": "17:00"}}]
                """), context)).isEmpty();
    }

    @Test
    void keywordsMatchWholeWordsInAnyCase() {
        assertThat(WorkflowConditions.matchesKeyword(json("[\"REFUND\"]"), "Can I get a refund?")).isTrue();
        assertThat(WorkflowConditions.matchesKeyword(json("[\"refund\"]"), "refunds are great")).isFalse();
        assertThat(WorkflowConditions.matchesKeyword(json("[\"order #12\"]"), "My order #12 never came")).isTrue();
        assertThat(WorkflowConditions.matchesKeyword(json("[\"x\"]"), null)).isFalse();
    }

    @Test
    void templatesTakeTheContextsValuesAndLeaveUnknownOnesEmpty() {
        assertThat(WorkflowConditions.render("Hi {{ contact.name }} ({{contact.email}}) on {{channel}}{{nope}}, "
                + "plan {{contact.attributes.plan}} costs $5", context))
                .isEqualTo("Hi Grace Hopper (grace@navy.example) on whatsapp, plan gold costs $5");
    }

    private static JsonNode json(String text) {
        return PayloadJson.tree(text);
    }
}
