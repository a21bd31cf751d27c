package com.custarea.schemas;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Work for the knowledge-base indexer on one document of an AI agent: index it (extract, chunk, embed, store) or
 * remove it from the store and the index.
 *
 * @param action index or delete
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KnowledgeDocumentJob(
        UUID eventId,
        UUID tenantId,
        Instant occurredAt,
        int schemaVersion,
        String correlationId,
        UUID agentId,
        UUID documentId,
        String action) implements EventEnvelope {

    public static final int SCHEMA_VERSION = 1;
    public static final String INDEX = "index";
    public static final String DELETE = "delete";
}
