package com.custarea.schemas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The catalog of the pipeline's topics: the one place their names, payloads, keys and partitions are defined. */
public final class Topics {

    /** Customers' messages from every channel, keyed so one sender's messages on one channel stay in order. */
    public static final TopicSpec<InboundMessage> INBOUND_MESSAGES = new TopicSpec<>(
            "inbound.messages", InboundMessage.class, "inbound-message", 6, "tenant id|channel|sender",
            message -> message.tenantId() + "|" + message.channel().wireName() + "|" + message.sender().value());

    /** What happened to conversations, messages, contacts and tickets, for live updates, workflows and webhooks. */
    public static final TopicSpec<ConversationEvent> CONVERSATION_EVENTS = new TopicSpec<>(
            "conversation.events", ConversationEvent.class, "conversation-event", 6,
            "conversation id (contact id, ticket id for events without one)", ConversationEvent::subjectKey);

    /** Events that tenants' workflows wait for, only for tenants that have such a workflow. */
    public static final TopicSpec<WorkflowTrigger> WORKFLOW_TRIGGERS = new TopicSpec<>(
            "workflow.triggers", WorkflowTrigger.class, "workflow-trigger", 6, "tenant id",
            trigger -> trigger.tenantId().toString());

    /** Conversations the AI agent should answer. */
    public static final TopicSpec<AiRequest> AI_REQUESTS = new TopicSpec<>(
            "ai.requests", AiRequest.class, "ai-request", 6, "conversation id",
            request -> request.conversationId().toString());

    /** Delivery reports of outbound messages. */
    public static final TopicSpec<DeliveryStatus> DELIVERY_STATUS = new TopicSpec<>(
            "delivery.status", DeliveryStatus.class, "delivery-status", 6, "message id",
            status -> status.messageId().toString());

    /** Documents of AI agents' knowledge bases to index or remove, keyed so one document's jobs stay in order. */
    public static final TopicSpec<KnowledgeDocumentJob> KB_INGEST = new TopicSpec<>(
            "kb.ingest", KnowledgeDocumentJob.class, "kb-ingest", 6, "document id",
            job -> job.documentId().toString());

    /** What happens on live calls, from the voice bridge to the call recorder; one call's events stay in order. */
    public static final TopicSpec<CallEvent> CALLS_EVENTS = new TopicSpec<>(
            "calls.events", CallEvent.class, "call-event", 6, "call id", event -> event.callId().toString());

    private static final Map<Channel, TopicSpec<OutboundMessage>> OUTBOUND = Arrays.stream(Channel.values())
            .collect(Collectors.toUnmodifiableMap(Function.identity(), channel -> new TopicSpec<>(
                    "outbound." + channel.wireName(), OutboundMessage.class, "outbound-message", 6,
                    "conversation id (message id for system mail)", message -> message.conversationId() != null
                            ? message.conversationId().toString() : message.messageId().toString())));

    private Topics() {
    }

    /** Messages to send through {@code channel}'s outbound route. */
    public static TopicSpec<OutboundMessage> outbound(Channel channel) {
        return OUTBOUND.get(channel);
    }

    /** Every topic of the pipeline, without the dead-letter topics. */
    public static List<TopicSpec<?>> all() {
        List<TopicSpec<?>> all = new ArrayList<>(List.of(INBOUND_MESSAGES, CONVERSATION_EVENTS, AI_REQUESTS,
                DELIVERY_STATUS, WORKFLOW_TRIGGERS, KB_INGEST, CALLS_EVENTS));
        Arrays.stream(Channel.values()).map(OUTBOUND::get).forEach(all::add);
        return List.copyOf(all);
    }

    /** The topic named {@code name}, if the catalog has it. */
    public static Optional<TopicSpec<?>> byName(String name) {
        return all().stream().filter(spec -> spec.name().equals(name)).findFirst();
    }
}
