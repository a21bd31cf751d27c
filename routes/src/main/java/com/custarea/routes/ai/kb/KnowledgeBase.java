package com.custarea.routes.ai.kb;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.webhooks.WebhookUrlPolicy;
import com.custarea.schemas.KnowledgeDocumentJob;
import com.custarea.schemas.Topics;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The knowledge base as the API sees it: documents are checked (agent of the tenant, supported type, size, a
 * public URL) before anything is stored, then stored whole and queued on kb.ingest; deletion removes them from the
 * store and every index.
 */
@Service
public class KnowledgeBase {

    private final KnowledgeStore store;
    private final AiAgents agents;
    private final EventPublisher publisher;
    private final WebhookUrlPolicy urlPolicy;
    private final long maxBytes;

    public KnowledgeBase(KnowledgeStore store, AiAgents agents, EventPublisher publisher, WebhookUrlPolicy urlPolicy,
                         @Value("${custarea.ai.kb.max-document-bytes:10485760}") long maxBytes) {
        this.store = store;
        this.agents = agents;
        this.publisher = publisher;
        this.urlPolicy = urlPolicy;
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Stores an uploaded document and queues it for indexing. */
    public KnowledgeStore.KnowledgeDocument upload(UUID tenantId, UUID agentId, String title, String contentType,
                                                   String filename, byte[] content, String correlationId) {
        requireAgent(tenantId, agentId);
        String type = TextExtractor.baseType(contentType);
        if (!TextExtractor.SUPPORTED.contains(type)) {
            throw ProblemException.unsupportedMediaType("Documents of type " + (type.isEmpty() ? "(none)" : type)
                    + " cannot be read; send one of " + TextExtractor.SUPPORTED);
        }
        if (content.length == 0) {
            throw ProblemException.badRequest("The document is empty", List.of(new Problem.FieldError("/file",
                    "is empty")));
        }
        if (content.length > maxBytes) {
            throw ProblemException.payloadTooLarge("The document has " + content.length + " bytes; at most "
                    + maxBytes + " are accepted");
        }
        String name = title != null && !title.isBlank() ? title.strip() : filename != null && !filename.isBlank()
                ? filename : "Untitled document";
        return queueNew(store.create(tenantId, agentId, name, type, filename, null, content), correlationId);
    }

    /** Stores a document to be fetched from {@code url} by the indexer, and queues it. */
    public KnowledgeStore.KnowledgeDocument fromUrl(UUID tenantId, UUID agentId, String url, String title,
                                                    String correlationId) {
        requireAgent(tenantId, agentId);
        urlPolicy.refusal(url).ifPresent(reason -> {
            throw ProblemException.badRequest("The URL " + reason, List.of(new Problem.FieldError("/url", reason)));
        });
        return queueNew(store.create(tenantId, agentId, title == null || title.isBlank() ? url : title.strip(), null,
                url, url, null), correlationId);
    }

    /** Deletes a document of the agent; false when there is none. */
    public boolean delete(UUID tenantId, UUID agentId, UUID documentId, String correlationId) {
        requireAgent(tenantId, agentId);
        KnowledgeStore.KnowledgeDocument document = store.find(tenantId, documentId)
                .filter(found -> found.agentId().equals(agentId)).orElse(null);
        if (document == null || !store.markDeleted(tenantId, documentId)) {
            return false;
        }
        queue(document, KnowledgeDocumentJob.DELETE, correlationId);
        return true;
    }

    /** Indexes every document of the agent again (after a change of chunking or model). */
    public int reindex(UUID tenantId, UUID agentId, String correlationId) {
        requireAgent(tenantId, agentId);
        List<KnowledgeStore.KnowledgeDocument> documents = store.list(tenantId, agentId);
        documents.forEach(document -> queue(document, KnowledgeDocumentJob.INDEX, correlationId));
        return documents.size();
    }

    /** Queues a new document; one Kafka did not take is taken back, so no document waits for a job never sent. */
    private KnowledgeStore.KnowledgeDocument queueNew(KnowledgeStore.KnowledgeDocument document,
                                                      String correlationId) {
        try {
            queue(document, KnowledgeDocumentJob.INDEX, correlationId);
            return document;
        } catch (RuntimeException e) {
            store.markDeleted(document.tenantId(), document.id());
            throw e;
        }
    }

    private void queue(KnowledgeStore.KnowledgeDocument document, String action, String correlationId) {
        publisher.publish(List.of(OutgoingRecord.of(Topics.KB_INGEST, new KnowledgeDocumentJob(UUID.randomUUID(),
                document.tenantId(), Instant.now(), KnowledgeDocumentJob.SCHEMA_VERSION, correlationId,
                document.agentId(), document.id(), action))));
    }

    private void requireAgent(UUID tenantId, UUID agentId) {
        agents.find(tenantId, agentId).orElseThrow(() -> ProblemException.notFound("No AI agent " + agentId));
    }
}
