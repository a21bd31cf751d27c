package com.custarea.routes.webhooks;

import java.util.List;
import java.util.Optional;

import com.custarea.schemas.ConversationEventType;

/** The event types tenants subscribe webhooks to, and which conversation event each one is. */
public final class WebhookEventTypes {

    public static final String MESSAGE_UPDATED = "message.updated";

    /** Every type a subscription may name. */
    public static final List<String> ALL = List.of("conversation.created", "conversation.updated",
            "conversation.status_changed", "message.created", MESSAGE_UPDATED, "contact.created", "contact.updated",
            "contact.merged", "ticket.created", "ticket.updated", "call.ended");

    private WebhookEventTypes() {
    }

    /** The webhook event type of a conversation event; none for transient ones (typing), which are not delivered. */
    public static Optional<String> of(ConversationEventType type) {
        String name = type == ConversationEventType.MESSAGE_STATUS_CHANGED ? MESSAGE_UPDATED : type.wireName();
        return ALL.contains(name) ? Optional.of(name) : Optional.empty();
    }
}
