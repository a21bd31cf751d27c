package com.custarea.routes.ai.kb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.Topics;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.apache.camel.impl.DefaultCamelContext;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The index follows the store: ready documents in, deleted ones out, those of another model queued again. */
class KnowledgeIndexSyncTest {

    private static final String MODEL = "test-model";
    private static final UUID TENANT = UUID.randomUUID();
    private static final UUID AGENT = UUID.randomUUID();

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient mongo;
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final KnowledgeStore store;
    private final KnowledgeIndex index = new KnowledgeIndex();
    private final List<OutgoingRecord> published = new ArrayList<>();
    private final KnowledgeIndexSync sync;

    KnowledgeIndexSyncTest() {
        InetSocketAddress address = server.bind();
        mongo = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        camel.start();
        store = new KnowledgeStore(mongo, camel.createProducerTemplate(), "kb");
        sync = new KnowledgeIndexSync(store, index, new FixedEmbeddings(), new EventPublisher(null) {
            @Override
            public void publish(List<OutgoingRecord> records) {
                published.addAll(records);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        index.close();
        camel.stop();
        mongo.close();
        server.shutdown();
    }

    @Test
    void readyDocumentsAreLoadedDeletedOnesRemovedAndThoseOfAnotherModelQueuedOnce() {
        UUID current = readyDocument("Current", MODEL);
        UUID stale = readyDocument("Stale", "old-model");

        assertThat(sync.sync()).isEqualTo(2);
        assertThat(index.search(TENANT, AGENT, "text", new float[] {1, 0}, 5))
                .extracting(KnowledgeIndex.Hit::documentId).containsExactly(current);
        assertThat(published).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(Topics.KB_INGEST.name());
            assertThat(record.value()).contains(stale.toString(), "\"action\":\"index\"");
        });

        assertThat(sync.sync()).as("nothing changed, nothing loaded or queued again").isZero();
        assertThat(published).hasSize(1);

        store.markDeleted(TENANT, current);
        sync.sync();
        assertThat(index.size()).isZero();
    }

    private UUID readyDocument(String title, String model) {
        UUID id = store.create(TENANT, AGENT, title, "text/plain", title + ".txt", null,
                "text".getBytes(StandardCharsets.UTF_8)).id();
        store.markProcessing(TENANT, id, 1, model);
        mongo.getDatabase("kb").getCollection(KnowledgeStore.CHUNKS).insertOne(new Document("_id", id + ":0")
                .append("tenantId", TENANT.toString()).append("agentId", AGENT.toString())
                .append("documentId", id.toString()).append("ordinal", 0).append("title", title)
                .append("heading", "").append("text", "Some text of " + title).append("model", model)
                .append("vector", List.of(1.0, 0.0)));
        store.markReady(TENANT, id);
        return id;
    }

    private static final class FixedEmbeddings implements TextEmbeddings {

        @Override
        public String model() {
            return MODEL;
        }

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            return texts.stream().map(text -> new float[] {1, 0}).toList();
        }
    }
}
