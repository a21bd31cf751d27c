package com.custarea.routes.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.contacts.IdentifierNormaliser;
import com.custarea.routes.contacts.InvalidIdentifierException;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Attachment;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/**
 * Maps a verified API-channel message to the canonical {@link InboundMessage}: the sender's id, e-mail and phone
 * become identifiers (the first present is where replies go), the client's message id becomes the provider message
 * id that makes a repeated post a no-op.
 */
@Component
public class ApiChannelMessageMapper {

    private final IdentifierNormaliser normaliser;

    public ApiChannelMessageMapper(IdentifierNormaliser normaliser) {
        this.normaliser = normaliser;
    }

    InboundMessage toInboundMessage(VerifiedRequest request, Instant now) {
        JsonNode body = request.body();
        JsonNode sender = body.get("sender");
        List<ContactIdentifier> identifiers = new ArrayList<>();
        addIdentifier(identifiers, sender, "id", IdentifierType.EXTERNAL);
        addIdentifier(identifiers, sender, "email", IdentifierType.EMAIL);
        addIdentifier(identifiers, sender, "phone", IdentifierType.PHONE);
        List<Attachment> attachments = new ArrayList<>();
        if (body.has("attachments")) {
            for (JsonNode attachment : body.get("attachments")) {
                attachments.add(new Attachment(attachment.get("url").asText(), text(attachment, "contentType"),
                        text(attachment, "filename"),
                        attachment.has("sizeBytes") ? attachment.get("sizeBytes").asLong() : null));
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if (body.has("metadata")) {
            body.get("metadata").fields().forEachRemaining(field -> metadata.put(field.getKey(),
                    field.getValue().asText()));
        }
        return new InboundMessage(UUID.randomUUID(), request.channel().tenantId(), now,
                InboundMessage.SCHEMA_VERSION, request.correlationId(), Channel.API, request.channel().id(),
                body.get("messageId").asText(), identifiers.get(0), text(sender, "name"),
                identifiers.subList(1, identifiers.size()), null, text(body, "text"), null, attachments, List.of(),
                null, now, metadata);
    }

    private void addIdentifier(List<ContactIdentifier> identifiers, JsonNode sender, String field,
                               IdentifierType type) {
        String value = text(sender, field);
        if (value == null) {
            return;
        }
        try {
            identifiers.add(normaliser.normalise(ContactIdentifier.of(type, value)));
        } catch (InvalidIdentifierException e) {
            throw ProblemException.badRequest("The sender is not valid",
                    List.of(new Problem.FieldError("/sender/" + field, e.getMessage())));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
