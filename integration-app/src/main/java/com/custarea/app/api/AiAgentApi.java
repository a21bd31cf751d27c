package com.custarea.app.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.custarea.app.security.Caller;
import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.ai.kb.KnowledgeBase;
import com.custarea.routes.ai.kb.KnowledgeIndexSync;
import com.custarea.routes.ai.kb.KnowledgeSearch;
import com.custarea.routes.ai.kb.KnowledgeStore;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.Channel;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/** The handlers of /api/ai-agent (agents, their knowledge base, search) and /api/ai/queue. */
@Component
public class AiAgentApi {

    private static final int MAX_SEARCH_RESULTS = 20;
    private static final Duration REBUILD_INTERVAL = Duration.ofMinutes(1);

    private final AiAgents agents;
    private final KnowledgeBase knowledgeBase;
    private final KnowledgeStore store;
    private final KnowledgeSearch search;
    private final EventPublisher publisher;
    private final NamedParameterJdbcTemplate jdbc;
    private final KnowledgeIndexSync indexSync;
    private final AtomicReference<Instant> lastRebuild = new AtomicReference<>();

    public AiAgentApi(AiAgents agents, KnowledgeBase knowledgeBase, KnowledgeStore store, KnowledgeSearch search,
                      EventPublisher publisher, NamedParameterJdbcTemplate jdbc, KnowledgeIndexSync indexSync) {
        this.agents = agents;
        this.knowledgeBase = knowledgeBase;
        this.store = store;
        this.search = search;
        this.publisher = publisher;
        this.jdbc = jdbc;
        this.indexSync = indexSync;
    }

    public void list(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        request.ok(Map.of("items", agents.list(request.caller().tenantId())));
    }

    public void create(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        request.created(agents.create(caller.tenantId(), request.json("ai-agent-create")));
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        request.ok(agent(request, request.caller()));
    }

    public void update(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        JsonNode patch = request.json("ai-agent-update");
        request.ok(agents.update(caller.tenantId(), id, patch).orElseThrow(() -> notFound(id)));
    }

    public void listDocuments(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        AiAgents.AiAgent agent = agent(request, request.caller());
        request.ok(Map.of("items", store.list(agent.tenantId(), agent.id())));
    }

    /** A file (multipart/form-data: file, and an optional title) or a URL to fetch (JSON). */
    public void addDocument(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID agentId = request.pathId("id");
        if (request.isMultipart()) {
            ApiRequest.UploadedFile file = request.file("file", knowledgeBase.maxBytes());
            request.accepted(knowledgeBase.upload(caller.tenantId(), agentId, request.formField("title")
                    .orElse(null), file.contentType(), file.filename(), file.bytes(), request.correlationId()));
            return;
        }
        JsonNode body = request.json("kb-document-url");
        request.accepted(knowledgeBase.fromUrl(caller.tenantId(), agentId, body.path("url").asText(),
                ApiRequest.text(body, "title"), request.correlationId()));
    }

    public void getDocument(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        AiAgents.AiAgent agent = agent(request, request.caller());
        UUID documentId = request.pathId("documentId");
        request.ok(store.find(agent.tenantId(), documentId).filter(document -> document.agentId().equals(agent.id()))
                .orElseThrow(() -> ProblemException.notFound("No document " + documentId)));
    }

    public void deleteDocument(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID documentId = request.pathId("documentId");
        if (!knowledgeBase.delete(caller.tenantId(), request.pathId("id"), documentId, request.correlationId())) {
            throw ProblemException.notFound("No document " + documentId);
        }
        request.noContent();
    }

    public void reindex(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        request.accepted(Map.of("queued", knowledgeBase.reindex(caller.tenantId(), request.pathId("id"),
                request.correlationId())));
    }

    public void search(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        AiAgents.AiAgent agent = agent(request, request.caller());
        String query = request.query("q").orElseThrow(() -> ProblemException.badRequest("Say what to search for",
                List.of(new Problem.FieldError("/q", "is required"))));
        if (query.length() > 1000) {
            throw ProblemException.badRequest("The query is too long", List.of(new Problem.FieldError("/q",
                    "must be at most 1000 characters long")));
        }
        int limit = Math.min(request.limit(), MAX_SEARCH_RESULTS);
        request.ok(Map.of("items", search.search(agent.tenantId(), agent.id(), query, limit)));
    }

    /** The seed's aiProcessingController: the agent answers an inbound message again. */
    public void queue(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID messageId = request.pathId("messageId");
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT m.conversation_id, m.text, c.contact_id, c.channel, c.channel_id, c.ai_paused
                FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.tenant_id = m.tenant_id
                WHERE m.id = :id AND m.tenant_id = :t AND m.direction = 'inbound'
                """, Map.of("id", messageId, "t", caller.tenantId()));
        if (rows.isEmpty()) {
            throw ProblemException.notFound("No inbound message " + messageId);
        }
        Map<String, Object> row = rows.get(0);
        if (Boolean.TRUE.equals(row.get("ai_paused"))) {
            throw ProblemException.conflict("The conversation is with the team: hand it back to the AI agent first");
        }
        AiRequest ai = new AiRequest(UUID.randomUUID(), caller.tenantId(), Instant.now(), AiRequest.SCHEMA_VERSION,
                request.correlationId(), (UUID) row.get("conversation_id"), messageId, (UUID) row.get("contact_id"),
                Channel.fromWireName((String) row.get("channel")), (UUID) row.get("channel_id"),
                (String) row.get("text"));
        publisher.publish(List.of(OutgoingRecord.of(Topics.AI_REQUESTS, ai)));
        request.accepted(Map.of("queued", true, "requestId", ai.eventId()));
    }

    /** Rebuilds this instance's index from the store; the index holds every tenant's chunks, so once a minute. */
    public void rebuildIndex(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        request.admin();
        Instant now = Instant.now();
        Instant last = lastRebuild.get();
        if (last != null && last.isAfter(now.minus(REBUILD_INTERVAL)) || !lastRebuild.compareAndSet(last, now)) {
            throw ProblemException.conflict("The index was rebuilt less than a minute ago");
        }
        request.ok(Map.of("documents", indexSync.rebuild()));
    }

    private AiAgents.AiAgent agent(ApiRequest request, Caller caller) {
        UUID id = request.pathId("id");
        return agents.find(caller.tenantId(), id).orElseThrow(() -> notFound(id));
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No AI agent " + id);
    }
}
