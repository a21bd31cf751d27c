package com.custarea.routes.ai.kb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KnowledgeIndexTest {

    private static final UUID TENANT = UUID.randomUUID();
    private static final UUID OTHER_TENANT = UUID.randomUUID();
    private static final UUID AGENT = UUID.randomUUID();

    private final KnowledgeIndex index = new KnowledgeIndex();

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    @Test
    void searchFusesVectorsAndKeywordsWithinOneTenantsAgent() {
        UUID refunds = UUID.randomUUID();
        UUID shipping = UUID.randomUUID();
        index.replaceDocument(TENANT, AGENT, refunds, "Refunds", List.of(
                chunk("r:0", "Refunds are paid within five days.", 1, 0, 0, 0)));
        index.replaceDocument(TENANT, AGENT, shipping, "Shipping", List.of(
                chunk("s:0", "Parcels ship within two days.", 0, 1, 0, 0)));
        // the other tenant's chunk matches the words and the vector exactly, and must never be found
        index.replaceDocument(OTHER_TENANT, AGENT, UUID.randomUUID(), "Secret", List.of(
                chunk("x:0", "Refunds are paid within five days.", 1, 0, 0, 0)));

        List<KnowledgeIndex.Hit> hits = index.search(TENANT, AGENT, "when are refunds paid", unit(1, 0.1f, 0, 0), 5);

        assertThat(hits).extracting(KnowledgeIndex.Hit::chunkId).containsExactly("r:0", "s:0");
        assertThat(hits.get(0).title()).isEqualTo("Refunds");
        assertThat(hits.get(0).similarity()).isGreaterThan(0.99);
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
        assertThat(index.search(TENANT, UUID.randomUUID(), "refunds", unit(1, 0, 0, 0), 5)).isEmpty();
    }

    @Test
    void keywordsRescueAPassageTheVectorRanksLow() {
        UUID document = UUID.randomUUID();
        index.replaceDocument(TENANT, AGENT, document, "Codes", List.of(
                chunk("c:0", "Error E-4711 means the card was declined.", 0, 0, 1, 0),
                chunk("c:1", "Our office is open on weekdays.", 1, 0, 0, 0)));

        List<KnowledgeIndex.Hit> hits = index.search(TENANT, AGENT, "E-4711", unit(1, 0, 0.05f, 0), 2);

        // the vector prefers c:1, BM25 finds only c:0; fused, c:0 scores in both lists' ranks
        assertThat(hits).extracting(KnowledgeIndex.Hit::chunkId).contains("c:0");
    }

    @Test
    void replacingOrRemovingADocumentReplacesOrRemovesItsChunks() {
        UUID document = UUID.randomUUID();
        index.replaceDocument(TENANT, AGENT, document, "Old", List.of(chunk("d:0", "old text", 1, 0, 0, 0),
                chunk("d:1", "more old text", 0, 1, 0, 0)));
        index.replaceDocument(TENANT, AGENT, document, "New", List.of(chunk("d:0", "new text", 1, 0, 0, 0)));

        assertThat(index.size()).isEqualTo(1);
        assertThat(index.search(TENANT, AGENT, "text", unit(1, 0, 0, 0), 5)).singleElement()
                .satisfies(hit -> assertThat(hit.text()).isEqualTo("new text"));

        index.removeDocument(document);
        assertThat(index.size()).isZero();
    }

    private static KnowledgeIndex.IndexedChunk chunk(String id, String text, float... vector) {
        return new KnowledgeIndex.IndexedChunk(id, "", text, unit(vector));
    }

    private static float[] unit(float... vector) {
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / Math.sqrt(norm));
        }
        return unit;
    }
}
