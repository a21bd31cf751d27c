package com.custarea.app.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;

import com.custarea.app.security.Caller;
import com.custarea.routes.conversations.ConversationService;
import com.custarea.routes.conversations.OutboundDraft;
import com.custarea.routes.conversations.OutboundReplies;
import com.custarea.routes.conversations.OutboundTemplates;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Attachment;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The handlers of /api/messages. An agent's reply is stored as queued and published to outbound.&lt;channel&gt;, its
 * status then follows the pipeline; a private note is stored and announced, never sent. A reply with a
 * clientMessageId is stored and sent once however often it is posted.
 */
@Component
public class MessageApi {

    private final ConversationService conversations;
    private final OutboundReplies replies;
    private final EventPublisher publisher;
    private final TransactionTemplate transaction;

    public MessageApi(ConversationService conversations, OutboundReplies replies, EventPublisher publisher,
                      TransactionTemplate transaction) {
        this.conversations = conversations;
        this.replies = replies;
        this.publisher = publisher;
        this.transaction = transaction;
    }

    public void list(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID conversationId = request.queryId("conversationId").orElseThrow(() -> ProblemException.badRequest(
                "Name the conversation", List.of(new com.custarea.routes.support.Problem.FieldError(
                        "/conversationId", "is required"))));
        if (conversations.find(caller.tenantId(), conversationId).isEmpty()) {
            throw ProblemException.notFound("No conversation " + conversationId);
        }
        request.ok(conversations.messages(caller.tenantId(), conversationId, request.cursor(), request.limit()));
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        request.ok(conversations.message(caller.tenantId(), id)
                .orElseThrow(() -> ProblemException.notFound("No message " + id)));
    }

    public void create(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        JsonNode body = request.json("message-create");
        UUID conversationId = ConversationApi.uuid(body, "conversationId");
        String clientId = ApiRequest.text(body, "clientMessageId");
        UUID id = clientId == null ? UUID.randomUUID()
                : DeterministicIds.of("reply:" + caller.tenantId(), clientId);
        OutboundDraft draft = new OutboundDraft(id, caller.tenantId(), conversationId, "agent", caller.userId(),
                ApiRequest.text(body, "text"), attachments(body),
                body.has("private") && body.get("private").asBoolean(), request.correlationId(), null,
                template(body));
        List<OutgoingRecord> records = transaction.execute(tx -> replies.queueAll(List.of(draft)));
        if (records.isEmpty()) {
            throw ProblemException.notFound("No conversation " + conversationId);
        }
        publisher.publish(records);
        request.created(conversations.message(caller.tenantId(), id).orElseThrow());
    }

    /** A WhatsApp template (Twilio Content API): its content SID and variables, as the outbound route reads them. */
    private static Map<String, String> template(JsonNode body) {
        if (!body.has("template")) {
            return Map.of();
        }
        JsonNode template = body.get("template");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(OutboundTemplates.CONTENT_SID, template.get("contentSid").asText());
        if (template.has("variables")) {
            metadata.put(OutboundTemplates.CONTENT_VARIABLES, template.get("variables").toString());
        }
        return metadata;
    }

    private static List<Attachment> attachments(JsonNode body) {
        List<Attachment> attachments = new ArrayList<>();
        if (body.has("attachments")) {
            for (JsonNode attachment : body.get("attachments")) {
                attachments.add(new Attachment(attachment.get("url").asText(),
                        ApiRequest.text(attachment, "contentType"), ApiRequest.text(attachment, "filename"),
                        attachment.has("sizeBytes") ? attachment.get("sizeBytes").asLong() : null));
            }
        }
        return attachments;
    }
}
