package com.custarea.routes.ai.kb;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.KnowledgeDocumentJob;
import com.custarea.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps this instance's search index in step with the knowledge base in MongoDB: at start (the first sync reads
 * everything), then every poll it loads the documents changed since the last one, whichever instance indexed
 * them; {@link #rebuild()} starts again from an empty index. A document embedded with another model than the
 * current one is left out of the index and queued to be embedded again, so a change of model re-embeds everything
 * in the background.
 */
@Component
public class KnowledgeIndexSync {

    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeIndexSync.class);
    /** Changes are read again this far back, so a change written with a clock slightly behind is not missed. */
    private static final Duration OVERLAP = Duration.ofSeconds(60);

    private final KnowledgeStore store;
    private final KnowledgeIndex index;
    private final TextEmbeddings embeddings;
    private final EventPublisher publisher;
    /** The change time of each document as this index has it, so a change is loaded once. */
    private final Map<UUID, Date> applied = new ConcurrentHashMap<>();
    private volatile Date since = new Date(0);
    private boolean loadedOnce;

    public KnowledgeIndexSync(KnowledgeStore store, KnowledgeIndex index, TextEmbeddings embeddings,
                              EventPublisher publisher) {
        this.store = store;
        this.index = index;
        this.embeddings = embeddings;
        this.publisher = publisher;
    }

    /** Puts a document this instance just indexed in its index. */
    public void apply(UUID tenantId, UUID agentId, UUID documentId, String title,
                      List<KnowledgeStore.StoredChunk> chunks) {
        index.replaceDocument(tenantId, agentId, documentId, title, indexed(chunks));
    }

    private static List<KnowledgeIndex.IndexedChunk> indexed(List<KnowledgeStore.StoredChunk> chunks) {
        return chunks.stream().map(chunk -> new KnowledgeIndex.IndexedChunk(chunk.id(), chunk.heading(),
                chunk.text(), chunk.vector())).toList();
    }

    /** Loads what changed in the store since the last sync; returns how many documents it loaded or removed. */
    public synchronized int sync() {
        Date started = new Date();
        int[] changed = {0};
        store.forEachChangedSince(since, document -> {
            Date changedAt = Date.from(document.updatedAt());
            if (changedAt.equals(applied.get(document.id()))) {
                return;
            }
            if (document.status() == KnowledgeStore.Status.READY
                    && !embeddings.model().equals(document.model())) {
                index.removeDocument(document.id());
                publisher.publish(List.of(OutgoingRecord.of(Topics.KB_INGEST, new KnowledgeDocumentJob(
                        UUID.randomUUID(), document.tenantId(), Instant.now(), KnowledgeDocumentJob.SCHEMA_VERSION,
                        "kb-reembed-" + document.id(), document.agentId(), document.id(),
                        KnowledgeDocumentJob.INDEX))));
                LOG.info("Document {} was embedded with {}; queued to be embedded with {}", document.id(),
                        document.model(), embeddings.model());
            } else if (document.status() == KnowledgeStore.Status.READY) {
                index.load(document.tenantId(), document.agentId(), document.id(), document.title(),
                        indexed(store.chunksOf(document.id())));
            } else if (document.status() == KnowledgeStore.Status.DELETED
                    || document.status() == KnowledgeStore.Status.FAILED) {
                index.removeDocument(document.id());
            } else {
                return;
            }
            applied.put(document.id(), changedAt);
            changed[0]++;
        });
        index.refresh();
        if (!loadedOnce && changed[0] > 0) {
            // the start's bulk load left several segments; one makes every later search cheaper
            index.compact();
        }
        loadedOnce = true;
        since = new Date(started.getTime() - OVERLAP.toMillis());
        if (changed[0] > 0) {
            LOG.info("Knowledge index: {} documents loaded from the store; {} chunks in the index", changed[0],
                    index.size());
        }
        return changed[0];
    }

    /**
     * Empties the index and loads every ready document from the store again, then merges it into one segment
     * (searches then visit one graph; see bench/README.md for what that saves).
     */
    public synchronized int rebuild() {
        index.clear();
        applied.clear();
        since = new Date(0);
        int loaded = sync();
        index.compact();
        return loaded;
    }
}
