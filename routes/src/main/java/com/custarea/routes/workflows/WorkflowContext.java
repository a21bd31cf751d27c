package com.custarea.routes.workflows;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.custarea.routes.contacts.ContactView;
import com.custarea.routes.conversations.ConversationView;
import com.custarea.routes.conversations.MessageView;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.PayloadException;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.WorkflowTrigger;
import com.fasterxml.jackson.databind.JsonNode;

/** What a run's conditions and templates can see: the trigger, its conversation, contact and message, and now. */
record WorkflowContext(WorkflowTrigger trigger, Optional<ConversationView> conversation,
                       Optional<ContactView> contact, Optional<MessageView> message, Instant now) {

    /** The value of a condition field or template placeholder, if there is one. */
    Optional<Object> value(String field) {
        return switch (field) {
            case "channel" -> Optional.ofNullable(trigger.channel() != null ? trigger.channel().wireName()
                    : conversation.map(ConversationView::channel).orElse(null));
            case "message.text" -> message.map(MessageView::text);
            case "conversation.id" -> conversation.map(ConversationView::id);
            case "conversation.status" -> conversation.map(ConversationView::status);
            case "conversation.priority" -> conversation.map(ConversationView::priority);
            case "conversation.labels" -> conversation.map(view -> (Object) List.copyOf(view.labels()));
            case "conversation.subject" -> conversation.map(ConversationView::subject);
            case "contact.id" -> contact.map(ContactView::id);
            case "contact.name" -> contact.map(ContactView::name);
            case "contact.email" -> identifier(IdentifierType.EMAIL);
            case "contact.phone" -> identifier(IdentifierType.PHONE);
            default -> field.startsWith("contact.attributes.")
                    ? attribute(field.substring("contact.attributes.".length())) : Optional.empty();
        };
    }

    private Optional<Object> identifier(IdentifierType type) {
        return contact.flatMap(view -> view.identifiers().stream().filter(id -> id.type() == type)
                .map(ContactIdentifier::value).findFirst());
    }

    private Optional<Object> attribute(String name) {
        return contact.map(ContactView::attributes).flatMap(json -> {
            try {
                JsonNode value = PayloadJson.tree(json).get(name);
                if (value == null || value.isNull()) {
                    return Optional.empty();
                }
                return Optional.of(value.isValueNode() ? value.asText() : value.toString());
            } catch (PayloadException e) {
                return Optional.empty();
            }
        });
    }
}
