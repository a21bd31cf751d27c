package com.custarea.routes.ai.kb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.springframework.stereotype.Component;

/**
 * The in-process search index of the knowledge bases, derived from MongoDB: each chunk's text for keywords (BM25)
 * and its vector (HNSW, cosine), with tenant and agent as filters on both, fused by reciprocal rank.
 */
@Component
public class KnowledgeIndex implements AutoCloseable {

    static final String CHUNK_ID = "chunkId";
    static final String TENANT = "tenantId";
    static final String AGENT = "agentId";
    static final String DOCUMENT = "documentId";
    static final String TITLE = "title";
    static final String HEADING = "heading";
    static final String TEXT = "text";
    static final String VECTOR = "vector";
    /** The constant of reciprocal rank fusion: 60, as in Cormack et al., damps the weight of the very first ranks. */
    private static final int RRF_K = 60;

    /** A chunk to index. */
    public record IndexedChunk(String chunkId, String heading, String text, float[] vector) {
    }

    /**
     * A search result: its fused score, and the cosine similarity of its vector to the query's (0 when the vector
     * search did not find it), which the offline engine takes as its confidence.
     */
    public record Hit(String chunkId, UUID documentId, String title, String heading, String text, double score,
                      double similarity) {
    }

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final IndexWriter writer;
    private final SearcherManager searchers;

    public KnowledgeIndex() {
        try {
            writer = new IndexWriter(new ByteBuffersDirectory(), new IndexWriterConfig(analyzer)
                    .setRAMBufferSizeMB(64));
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts the chunks of one document in place of what the index had for it, searchable at once. */
    public void replaceDocument(UUID tenantId, UUID agentId, UUID documentId, String title,
                                List<IndexedChunk> chunks) {
        load(tenantId, agentId, documentId, title, chunks);
        refresh();
    }

    /**
     * Puts the chunks of one document in place of what the index had for it, searchable after the next
     * {@link #refresh()}: a bulk load refreshes once, not once a document, which would leave a segment per document.
     */
    public void load(UUID tenantId, UUID agentId, UUID documentId, String title, List<IndexedChunk> chunks) {
        List<Document> documents = new ArrayList<>(chunks.size());
        for (IndexedChunk chunk : chunks) {
            Document document = new Document();
            document.add(new StringField(CHUNK_ID, chunk.chunkId(), Field.Store.YES));
            document.add(new StringField(TENANT, tenantId.toString(), Field.Store.NO));
            document.add(new StringField(AGENT, agentId.toString(), Field.Store.NO));
            document.add(new StringField(DOCUMENT, documentId.toString(), Field.Store.YES));
            document.add(new StoredField(TITLE, title == null ? "" : title));
            document.add(new StoredField(HEADING, chunk.heading() == null ? "" : chunk.heading()));
            document.add(new TextField(TEXT, (chunk.heading() == null ? "" : chunk.heading() + "\n")
                    + chunk.text(), Field.Store.NO));
            document.add(new StoredField("body", chunk.text()));
            document.add(new KnnFloatVectorField(vectorField(chunk.vector()), chunk.vector(),
                    VectorSimilarityFunction.COSINE));
            documents.add(document);
        }
        try {
            writer.updateDocuments(new Term(DOCUMENT, documentId.toString()), documents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes what was loaded searchable. */
    public void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void removeDocument(UUID documentId) {
        try {
            writer.deleteDocuments(new Term(DOCUMENT, documentId.toString()));
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empties the index, before a rebuild from the store. */
    public void clear() {
        try {
            writer.deleteAll();
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Merges the index into one segment: searches visit one HNSW graph instead of one per segment. */
    public void compact() {
        try {
            writer.forceMerge(1);
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many segments searches visit. */
    public int segments() {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return searcher.getIndexReader().leaves().size();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int size() {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return searcher.getIndexReader().numDocs();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best {@code limit} chunks of one agent's knowledge base for {@code text} and its {@code vector}. */
    public List<Hit> search(UUID tenantId, UUID agentId, String text, float[] vector, int limit) {
        Query scope = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(TENANT, tenantId.toString())), BooleanClause.Occur.FILTER)
                .add(new TermQuery(new Term(AGENT, agentId.toString())), BooleanClause.Occur.FILTER)
                .build();
        int candidates = Math.max(limit * 4, 20);
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                Map<Integer, Double> fused = new LinkedHashMap<>();
                Map<Integer, Double> similarity = new LinkedHashMap<>();
                ScoreDoc[] semantic = searcher.search(new KnnFloatVectorQuery(vectorField(vector), vector, candidates, scope),
                        candidates).scoreDocs;
                for (int rank = 0; rank < semantic.length; rank++) {
                    fused.merge(semantic[rank].doc, 1.0 / (RRF_K + rank + 1), Double::sum);
                    // Lucene scores cosine as (1 + cos) / 2
                    similarity.put(semantic[rank].doc, 2.0 * semantic[rank].score - 1.0);
                }
                Query keywords = keywordQuery(text);
                if (keywords != null) {
                    Query scoped = new BooleanQuery.Builder().add(scope, BooleanClause.Occur.FILTER)
                            .add(keywords, BooleanClause.Occur.MUST).build();
                    ScoreDoc[] lexical = searcher.search(scoped, candidates).scoreDocs;
                    for (int rank = 0; rank < lexical.length; rank++) {
                        fused.merge(lexical[rank].doc, 1.0 / (RRF_K + rank + 1), Double::sum);
                    }
                }
                List<Map.Entry<Integer, Double>> best = fused.entrySet().stream()
                        .sorted(Map.Entry.<Integer, Double>comparingByValue(Comparator.reverseOrder()))
                        .limit(limit).toList();
                List<Hit> hits = new ArrayList<>(best.size());
                for (Map.Entry<Integer, Double> entry : best) {
                    Document stored = searcher.storedFields().document(entry.getKey());
                    hits.add(new Hit(stored.get(CHUNK_ID), UUID.fromString(stored.get(DOCUMENT)), stored.get(TITLE),
                            stored.get(HEADING), stored.get("body"), entry.getValue(),
                            similarity.getOrDefault(entry.getKey(), 0.0)));
                }
                return hits;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A field per dimension: Lucene fixes a field's dimension for the whole index, and while the knowledge bases
     * move to another embedding model, vectors of both sizes are in it.
     */
    private static String vectorField(float[] vector) {
        return VECTOR + "_" + vector.length;
    }

    /** The query's words as alternatives over the chunk text (BM25 ranks them); null when it has none. */
    private Query keywordQuery(String text) throws IOException {
        BooleanQuery.Builder words = new BooleanQuery.Builder();
        int count = 0;
        try (TokenStream tokens = analyzer.tokenStream(TEXT, text == null ? "" : text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken() && count < IndexSearcher.getMaxClauseCount() - 2) {
                words.add(new TermQuery(new Term(TEXT, term.toString())), BooleanClause.Occur.SHOULD);
                count++;
            }
            tokens.end();
        }
        return count == 0 ? null : words.build();
    }

    @Override
    public void close() throws IOException {
        searchers.close();
        writer.close();
    }
}
