package com.custarea.routes.webhooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.stereotype.Service;

/**
 * Turns conversation events into webhook deliveries: one row per event and subscribed URL, queued for the
 * {@link WebhookDispatcher}. The delivery id derives from the event and the subscription, so a redelivered event is
 * queued once.
 */
@Service
public class WebhookFanoutStage implements BatchStage<ConversationEvent> {

    public static final String STAGE = "webhooks";

    private final WebhookSubscriptions subscriptions;
    private final WebhookDeliveries deliveries;

    public WebhookFanoutStage(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
    }

    @Override
    public TopicSpec<ConversationEvent> input() {
        return Topics.CONVERSATION_EVENTS;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<ConversationEvent>> batch) {
        List<WebhookDeliveries.NewDelivery> queued = new ArrayList<>();
        for (StageRecord<ConversationEvent> record : batch) {
            ConversationEvent event = record.payload();
            Optional<String> type = WebhookEventTypes.of(event.type());
            if (type.isEmpty()) {
                continue;
            }
            List<UUID> targets = subscriptions.subscribedTo(event.tenantId(), type.get());
            if (targets.isEmpty()) {
                continue;
            }
            String body = body(event.eventId(), type.get(), event.occurredAt(), event.tenantId(), data(event));
            for (UUID subscription : targets) {
                queued.add(new WebhookDeliveries.NewDelivery(deliveryId(event.eventId(), subscription),
                        event.tenantId(), subscription, event.eventId(), type.get(), body));
            }
        }
        deliveries.enqueue(queued);
        return List.of();
    }

    /** Queues one event for one subscription of the tenant (a workflow's "send a webhook"). */
    public void enqueue(UUID tenantId, UUID subscriptionId, UUID eventId, String type, Map<String, Object> data) {
        deliveries.enqueue(List.of(new WebhookDeliveries.NewDelivery(deliveryId(eventId, subscriptionId), tenantId,
                subscriptionId, eventId, type, body(eventId, type, Instant.now(), tenantId, data))));
    }

    static UUID deliveryId(UUID eventId, UUID subscriptionId) {
        return DeterministicIds.of("webhook.delivery", eventId + ":" + subscriptionId);
    }

    private static String body(UUID eventId, String type, Instant at, UUID tenantId, Map<String, Object> data) {
        return PayloadJson.write(new Body(eventId, type, at, tenantId, data));
    }

    private static Map<String, Object> data(ConversationEvent event) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("conversationId", event.conversationId());
        data.put("contactId", event.contactId());
        data.put("mergedContactId", event.mergedContactId());
        data.put("ticketId", event.ticketId());
        data.put("channel", event.channel() == null ? null : event.channel().wireName());
        data.put("channelId", event.channelId());
        data.put("messageId", event.messageId());
        data.put("direction", event.direction());
        data.put("status", event.status() == null ? null : event.status().wireName());
        data.put("conversationStatus", event.conversationStatus());
        data.put("preview", event.preview());
        data.values().removeIf(Objects::isNull);
        return data;
    }

    /** What a subscriber receives: the event's id, type, time, tenant and data. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Body(UUID id, String type, Instant createdAt, UUID tenantId, Map<String, Object> data) {
    }
}
