package com.custarea.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class PayloadContractTest {

    private static final UUID TENANT = UUID.randomUUID();
    private static final Instant NOW = Instant.parse("2026-11-28T10:15:30.123Z");

    static Stream<Arguments> payloads() {
        UUID conversation = UUID.randomUUID();
        UUID channelId = UUID.randomUUID();
        InboundMessage inbound = new InboundMessage(UUID.randomUUID(), TENANT, NOW, InboundMessage.SCHEMA_VERSION,
                "corr-1", Channel.WHATSAPP, channelId, "SM123",
                ContactIdentifier.of(IdentifierType.PHONE, "whatsapp:+14155550100"), "Ada",
                List.of(ContactIdentifier.of(IdentifierType.EMAIL, "ada@example.com")), null, "Hello",
                null, List.of(new Attachment("https://media.example/1", "image/png", "a.png", 120L)),
                List.of("<a@b>"), null, NOW, Map.of("profile", "x"));
        OutboundMessage outbound = new OutboundMessage(UUID.randomUUID(), TENANT, NOW, OutboundMessage.SCHEMA_VERSION,
                "corr-1", UUID.randomUUID(), conversation, UUID.randomUUID(), Channel.API, channelId,
                ContactIdentifier.of(IdentifierType.EXTERNAL, "user-7"), "ai", null, "Hi there", null, List.of(),
                "m-1", List.of("m-0", "m-1"), Map.of());
        ConversationEvent event = new ConversationEvent(UUID.randomUUID(), TENANT, NOW,
                ConversationEvent.SCHEMA_VERSION, "corr-1", ConversationEventType.MESSAGE_CREATED, conversation,
                UUID.randomUUID(), Channel.SMS, channelId, UUID.randomUUID(), "inbound", MessageStatus.RECEIVED, "Hello");
        DeliveryStatus status = new DeliveryStatus(UUID.randomUUID(), TENANT, NOW, DeliveryStatus.SCHEMA_VERSION,
                "corr-1", UUID.randomUUID(), Channel.SMS, MessageStatus.DELIVERED, "SM9", null, null);
        AiRequest ai = new AiRequest(UUID.randomUUID(), TENANT, NOW, AiRequest.SCHEMA_VERSION, "corr-1", conversation,
                UUID.randomUUID(), UUID.randomUUID(), Channel.WIDGET, channelId, "Where is my order?");
        ConversationEvent merged = ConversationEvent.ofContact(UUID.randomUUID(), TENANT, "corr-1",
                ConversationEventType.CONTACT_MERGED, UUID.randomUUID(), UUID.randomUUID());
        ConversationEvent ticket = ConversationEvent.ofTicket(UUID.randomUUID(), TENANT, "corr-2",
                ConversationEventType.TICKET_CREATED, UUID.randomUUID(), null, UUID.randomUUID());
        ConversationEvent typing = ConversationEvent.ofTyping(UUID.randomUUID(), TENANT, "corr-4", conversation,
                UUID.randomUUID(), Channel.WIDGET, channelId, true);
        WorkflowTrigger trigger = new WorkflowTrigger(UUID.randomUUID(), TENANT, NOW, WorkflowTrigger.SCHEMA_VERSION,
                "corr-1", "message_received", UUID.randomUUID(), conversation, UUID.randomUUID(), UUID.randomUUID(),
                Channel.WHATSAPP, channelId);
        KnowledgeDocumentJob job = new KnowledgeDocumentJob(UUID.randomUUID(), TENANT, NOW,
                KnowledgeDocumentJob.SCHEMA_VERSION, "corr-3", UUID.randomUUID(), UUID.randomUUID(),
                KnowledgeDocumentJob.INDEX);
        return Stream.of(
                Arguments.of(Topics.INBOUND_MESSAGES, inbound),
                Arguments.of(Topics.CONVERSATION_EVENTS, merged),
                Arguments.of(Topics.CONVERSATION_EVENTS, ticket),
                Arguments.of(Topics.CONVERSATION_EVENTS, typing),
                Arguments.of(Topics.WORKFLOW_TRIGGERS, trigger),
                Arguments.of(Topics.outbound(Channel.API), outbound),
                Arguments.of(Topics.CONVERSATION_EVENTS, event),
                Arguments.of(Topics.DELIVERY_STATUS, status),
                Arguments.of(Topics.AI_REQUESTS, ai),
                Arguments.of(Topics.KB_INGEST, job));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    <T extends EventEnvelope> void recordRoundTripsThroughJsonAndSatisfiesItsSchema(TopicSpec<T> topic, T payload) {
        String json = PayloadJson.write(payload);

        assertThat(PayloadValidator.violations(topic.schemaName(), PayloadJson.tree(json))).isEmpty();
        assertThat(PayloadValidator.readValid(topic, json)).isEqualTo(payload);
        assertThat(topic.keyFor(payload)).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    <T extends EventEnvelope> void missingEnvelopeFieldIsRejectedByName(TopicSpec<T> topic, T payload) {
        ObjectNode json = (ObjectNode) PayloadJson.tree(PayloadJson.write(payload));
        json.remove("tenantId");

        assertThatThrownBy(() -> PayloadValidator.readValid(topic, json.toString()))
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("tenantId");
    }

    @Test
    void wrongTypeAndBadFormatAreNamedWithTheirPath() {
        InboundMessage inbound = (InboundMessage) payloads().findFirst().orElseThrow().get()[1];
        ObjectNode json = (ObjectNode) PayloadJson.tree(PayloadJson.write(inbound));
        ((ObjectNode) json.get("sender")).put("type", "fax");
        json.put("channelId", "not-a-uuid");
        json.put("occurredAt", "yesterday");

        List<String> violations = PayloadValidator.violations("inbound-message", json);

        assertThat(violations).anySatisfy(v -> assertThat(v).contains("/sender/type"));
        assertThat(violations).anySatisfy(v -> assertThat(v).contains("/channelId"));
        assertThat(violations).anySatisfy(v -> assertThat(v).contains("/occurredAt"));
    }

    @Test
    void notJsonIsAPayloadException() {
        assertThatThrownBy(() -> PayloadValidator.readValid(Topics.INBOUND_MESSAGES, "{not json"))
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("Not JSON");
    }

    @Test
    void catalogNamesAreUniqueAndEveryTopicHasItsSchema() {
        List<String> names = Topics.all().stream().map(TopicSpec::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains("inbound.messages", "outbound.api", "outbound.email");
        assertThat(Topics.all()).allSatisfy(topic -> assertThat(
                PayloadValidator.class.getResource("/schemas/" + topic.schemaName() + ".schema.json")).isNotNull());
        assertThat(Topics.byName("outbound.whatsapp")).contains(Topics.outbound(Channel.WHATSAPP));
        assertThat(Topics.INBOUND_MESSAGES.deadLetterTopic()).isEqualTo("inbound.messages.dlq");
    }

    @Test
    void statusOnlyMovesForwardAndFailedIsTerminal() {
        assertThat(MessageStatus.QUEUED.canMoveTo(MessageStatus.SENT)).isTrue();
        assertThat(MessageStatus.SENT.canMoveTo(MessageStatus.READ)).isTrue();
        assertThat(MessageStatus.READ.canMoveTo(MessageStatus.DELIVERED)).isFalse();
        assertThat(MessageStatus.DELIVERED.canMoveTo(MessageStatus.SENT)).isFalse();
        assertThat(MessageStatus.SENT.canMoveTo(MessageStatus.FAILED)).isTrue();
        assertThat(MessageStatus.DELIVERED.canMoveTo(MessageStatus.FAILED)).isFalse();
        assertThat(MessageStatus.FAILED.canMoveTo(MessageStatus.READ)).isFalse();
    }
}
