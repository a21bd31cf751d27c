package com.custarea.routes.ai.kb;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.PermanentFailure;
import com.custarea.routes.support.PersonalData;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.KnowledgeDocumentJob;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The knowledge-base indexer: for each job, the document's text is extracted (or first fetched from its URL),
 * chunked, embedded batch by batch (the document shows its progress), stored in MongoDB in place of its old chunks,
 * and put in this instance's index (the others learn of it from the store). A document that cannot be read is
 * marked failed with the reason; a redelivered job does the same work again and ends in the same state.
 */
@Service
public class KnowledgeIndexerStage implements BatchStage<KnowledgeDocumentJob> {

    public static final String STAGE = "kb-indexer";
    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeIndexerStage.class);

    private final KnowledgeStore store;
    private final KnowledgeIndex index;
    private final KnowledgeIndexSync sync;
    private final TextExtractor extractor;
    private final TextChunker chunker;
    private final TextEmbeddings embeddings;
    private final DocumentFetcher fetcher;
    private final int embedBatch;

    public KnowledgeIndexerStage(KnowledgeStore store, KnowledgeIndex index, KnowledgeIndexSync sync,
                                 TextExtractor extractor, TextChunker chunker, TextEmbeddings embeddings,
                                 DocumentFetcher fetcher,
                                 @Value("${custarea.ai.kb.embed-batch:32}") int embedBatch) {
        this.store = store;
        this.index = index;
        this.sync = sync;
        this.extractor = extractor;
        this.chunker = chunker;
        this.embeddings = embeddings;
        this.fetcher = fetcher;
        this.embedBatch = embedBatch;
    }

    @Override
    public TopicSpec<KnowledgeDocumentJob> input() {
        return Topics.KB_INGEST;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<KnowledgeDocumentJob>> batch) {
        for (StageRecord<KnowledgeDocumentJob> record : batch) {
            KnowledgeDocumentJob job = record.payload();
            if (KnowledgeDocumentJob.DELETE.equals(job.action())) {
                store.removeChunks(job.documentId());
                index.removeDocument(job.documentId());
                continue;
            }
            store.find(job.tenantId(), job.documentId()).ifPresent(this::indexDocument);
        }
        return List.of();
    }

    private void indexDocument(KnowledgeStore.KnowledgeDocument document) {
        try {
            byte[] content = store.content(document.tenantId(), document.id()).orElse(null);
            String contentType = document.contentType();
            if (content == null) {
                DocumentFetcher.Fetched fetched = fetcher.fetch(document.sourceUrl());
                content = fetched.bytes();
                contentType = fetched.contentType();
                store.keepContent(document.tenantId(), document.id(), content, contentType);
            }
            List<TextChunker.Chunk> chunks = chunker.chunk(extractor.extract(content, contentType));
            if (chunks.isEmpty()) {
                throw new PermanentFailure("no-text", "The document has no text to learn from");
            }
            store.markProcessing(document.tenantId(), document.id(), chunks.size(), embeddings.model());
            List<KnowledgeStore.StoredChunk> stored = new ArrayList<>(chunks.size());
            for (int from = 0; from < chunks.size(); from += embedBatch) {
                List<TextChunker.Chunk> slice = chunks.subList(from, Math.min(chunks.size(), from + embedBatch));
                List<float[]> vectors = embeddings.embedAll(slice.stream().map(chunk -> embeddable(document, chunk))
                        .toList());
                for (int i = 0; i < slice.size(); i++) {
                    TextChunker.Chunk chunk = slice.get(i);
                    stored.add(new KnowledgeStore.StoredChunk(chunkId(document.id(), chunk.ordinal()),
                            document.tenantId(), document.agentId(), document.id(), chunk.ordinal(),
                            document.title(), chunk.heading(), chunk.text(), embeddings.model(), vectors.get(i)));
                }
                store.progress(document.tenantId(), document.id(), stored.size());
            }
            store.replaceChunks(document.id(), stored);
            sync.apply(document.tenantId(), document.agentId(), document.id(), document.title(), stored);
            store.markReady(document.tenantId(), document.id());
            LOG.info("Indexed document {} of agent {}: {} chunks", document.id(), document.agentId(), stored.size());
        } catch (PermanentFailure failure) {
            LOG.warn("Document {} of agent {} cannot be indexed: {}", document.id(), document.agentId(),
                    PersonalData.redact(failure.getMessage()));
            store.removeChunks(document.id());
            index.removeDocument(document.id());
            store.markFailed(document.tenantId(), document.id(), failure.getMessage());
        }
    }

    /** The heading travels with the chunk's text into its vector, so "Returns" finds the text under it. */
    private static String embeddable(KnowledgeStore.KnowledgeDocument document, TextChunker.Chunk chunk) {
        String heading = chunk.heading() == null || chunk.heading().isBlank() ? document.title() : chunk.heading();
        return heading == null ? chunk.text() : heading + ": " + chunk.text();
    }

    /** A chunk's id: its document and its place in it, so indexing a document again replaces the same rows. */
    static String chunkId(UUID documentId, int ordinal) {
        return documentId + ":" + ordinal;
    }
}
