package com.custarea.schemas;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An event that a tenant's workflows may start on, published only for tenants with an enabled workflow for it.
 *
 * @param trigger       what happened: message_received, conversation_created, conversation_resolved,
 *                      contact_created, call_ended (keyword_matched and no_reply workflows start from
 *                      message_received)
 * @param sourceEventId the conversation event it came from
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowTrigger(
        UUID eventId,
        UUID tenantId,
        Instant occurredAt,
        int schemaVersion,
        String correlationId,
        String trigger,
        UUID sourceEventId,
        UUID conversationId,
        UUID contactId,
        UUID messageId,
        Channel channel,
        UUID channelId) implements EventEnvelope {

    public static final int SCHEMA_VERSION = 1;
}
