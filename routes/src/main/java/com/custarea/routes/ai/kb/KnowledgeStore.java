package com.custarea.routes.ai.kb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.apache.camel.ProducerTemplate;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The knowledge base in MongoDB: documents (what was uploaded, its status and progress) and their chunks (text,
 * vector, model). Chunks are written and removed through camel-mongodb; every read and update is scoped by tenant.
 * A deleted document stays as a tombstone without content or chunks, so every instance's index learns of it.
 */
@Component
public class KnowledgeStore {

    static final String DOCUMENTS = "kb_documents";
    static final String CHUNKS = "kb_chunks";

    /** A document's stages: queued ▶ processing ▶ ready, or failed with the reason; deleted is a tombstone. */
    public enum Status { QUEUED, PROCESSING, READY, FAILED, DELETED }

    /** A knowledge document as the API shows it (without its content). */
    public record KnowledgeDocument(UUID id, UUID tenantId, UUID agentId, String title, String contentType,
                                    String source, String sourceUrl, long sizeBytes, Status status, int chunksDone,
                                    int chunksTotal, String error, String model, Instant createdAt,
                                    Instant updatedAt) {
    }

    /** A stored chunk. */
    public record StoredChunk(String id, UUID tenantId, UUID agentId, UUID documentId, int ordinal, String title,
                              String heading, String text, String model, float[] vector) {
    }

    private final MongoCollection<Document> documents;
    private final MongoCollection<Document> chunks;
    private final ProducerTemplate producer;
    private final String chunkEndpoint;

    public KnowledgeStore(MongoClient mongo, ProducerTemplate producer,
                          @Value("${custarea.mongodb.database:custarea}") String database) {
        this.documents = mongo.getDatabase(database).getCollection(DOCUMENTS);
        this.chunks = mongo.getDatabase(database).getCollection(CHUNKS);
        this.producer = producer;
        this.chunkEndpoint = "mongodb:mongoClient?database=" + database + "&collection=" + CHUNKS;
        documents.createIndex(Indexes.ascending("tenantId", "agentId"));
        documents.createIndex(Indexes.ascending("changedAt"));
        chunks.createIndex(Indexes.ascending("documentId"));
    }

    /** Stores a new document, queued for indexing; {@code content} is null when it is fetched from a URL. */
    public KnowledgeDocument create(UUID tenantId, UUID agentId, String title, String contentType, String source,
                                    String sourceUrl, byte[] content) {
        UUID id = UUID.randomUUID();
        Date now = new Date();
        Document document = new Document("_id", id.toString()).append("tenantId", tenantId.toString())
                .append("agentId", agentId.toString()).append("title", title).append("contentType", contentType)
                .append("source", source).append("sourceUrl", sourceUrl)
                .append("sizeBytes", content == null ? 0L : (long) content.length)
                .append("content", content == null ? null : new Binary(content))
                .append("status", Status.QUEUED.name()).append("chunksDone", 0).append("chunksTotal", 0)
                .append("createdAt", now).append("updatedAt", now).append("changedAt", now);
        documents.insertOne(document);
        return view(document);
    }

    public Optional<KnowledgeDocument> find(UUID tenantId, UUID documentId) {
        return Optional.ofNullable(documents.find(Filters.and(Filters.eq("_id", documentId.toString()),
                        Filters.eq("tenantId", tenantId.toString()), Filters.ne("status", Status.DELETED.name())))
                .projection(new Document("content", 0)).first()).map(KnowledgeStore::view);
    }

    public List<KnowledgeDocument> list(UUID tenantId, UUID agentId) {
        List<KnowledgeDocument> found = new ArrayList<>();
        documents.find(Filters.and(Filters.eq("tenantId", tenantId.toString()), Filters.eq("agentId",
                        agentId.toString()), Filters.ne("status", Status.DELETED.name())))
                .projection(new Document("content", 0)).sort(Sorts.descending("createdAt"))
                .forEach(document -> found.add(view(document)));
        return found;
    }

    /** The uploaded bytes of a document, if it has them (not for a URL not yet fetched). */
    public Optional<byte[]> content(UUID tenantId, UUID documentId) {
        Document document = documents.find(Filters.and(Filters.eq("_id", documentId.toString()),
                Filters.eq("tenantId", tenantId.toString()))).projection(new Document("content", 1)).first();
        return Optional.ofNullable(document).map(found -> found.get("content", Binary.class)).map(Binary::getData);
    }

    /** Keeps the bytes fetched from a document's URL, with their type. */
    public void keepContent(UUID tenantId, UUID documentId, byte[] content, String contentType) {
        update(tenantId, documentId, Updates.combine(Updates.set("content", new Binary(content)),
                Updates.set("contentType", contentType), Updates.set("sizeBytes", (long) content.length)));
    }

    public void markProcessing(UUID tenantId, UUID documentId, int chunksTotal, String model) {
        update(tenantId, documentId, Updates.combine(Updates.set("status", Status.PROCESSING.name()),
                Updates.set("chunksTotal", chunksTotal), Updates.set("chunksDone", 0), Updates.set("model", model),
                Updates.unset("error")));
    }

    public void progress(UUID tenantId, UUID documentId, int chunksDone) {
        update(tenantId, documentId, Updates.set("chunksDone", chunksDone));
    }

    /** Ready: the chunks are stored; {@code changedAt} tells every instance's index to load them. */
    public void markReady(UUID tenantId, UUID documentId) {
        update(tenantId, documentId, Updates.combine(Updates.set("status", Status.READY.name()),
                Updates.set("changedAt", new Date())));
    }

    public void markFailed(UUID tenantId, UUID documentId, String error) {
        update(tenantId, documentId, Updates.combine(Updates.set("status", Status.FAILED.name()),
                Updates.set("error", error), Updates.set("changedAt", new Date())));
    }

    /** Marks a document deleted (a tombstone without content); false when the tenant has no such document. */
    public boolean markDeleted(UUID tenantId, UUID documentId) {
        return documents.updateOne(Filters.and(Filters.eq("_id", documentId.toString()),
                        Filters.eq("tenantId", tenantId.toString()), Filters.ne("status", Status.DELETED.name())),
                Updates.combine(Updates.set("status", Status.DELETED.name()), Updates.unset("content"),
                        Updates.set("updatedAt", new Date()), Updates.set("changedAt", new Date())))
                .getModifiedCount() == 1;
    }

    /** Replaces the chunks of a document (through camel-mongodb): the old ones go, the new ones are inserted. */
    public void replaceChunks(UUID documentId, List<StoredChunk> replacement) {
        removeChunks(documentId);
        if (replacement.isEmpty()) {
            return;
        }
        List<Document> rows = replacement.stream().map(KnowledgeStore::row).toList();
        producer.sendBody(chunkEndpoint + "&operation=insert", rows);
    }

    public void removeChunks(UUID documentId) {
        producer.sendBody(chunkEndpoint + "&operation=remove", Filters.eq("documentId", documentId.toString()));
    }

    /** Every chunk of a document, for the index. */
    public List<StoredChunk> chunksOf(UUID documentId) {
        List<StoredChunk> found = new ArrayList<>();
        chunks.find(Filters.eq("documentId", documentId.toString())).sort(Sorts.ascending("ordinal"))
                .forEach(row -> found.add(chunk(row)));
        return found;
    }

    /** Documents whose chunks changed (ready, failed or deleted) since {@code since}, oldest change first. */
    public void forEachChangedSince(Date since, Consumer<KnowledgeDocument> action) {
        documents.find(Filters.gte("changedAt", since)).projection(new Document("content", 0))
                .sort(Sorts.ascending("changedAt")).forEach(document -> action.accept(view(document)));
    }

    /** Changes a document that is not deleted: an indexing that ends after a deletion must not bring it back. */
    private void update(UUID tenantId, UUID documentId, Bson update) {
        documents.updateOne(Filters.and(Filters.eq("_id", documentId.toString()),
                Filters.eq("tenantId", tenantId.toString()), Filters.ne("status", Status.DELETED.name())),
                Updates.combine(update,
                Updates.set("updatedAt", new Date())));
    }

    private static Document row(StoredChunk chunk) {
        List<Double> vector = new ArrayList<>(chunk.vector().length);
        for (float value : chunk.vector()) {
            vector.add((double) value);
        }
        return new Document("_id", chunk.id()).append("tenantId", chunk.tenantId().toString())
                .append("agentId", chunk.agentId().toString()).append("documentId", chunk.documentId().toString())
                .append("ordinal", chunk.ordinal())
                .append("title", chunk.title()).append("heading", chunk.heading()).append("text", chunk.text())
                .append("model", chunk.model()).append("dimension", chunk.vector().length).append("vector", vector);
    }

    private static StoredChunk chunk(Document row) {
        List<?> values = row.getList("vector", Object.class);
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = ((Number) values.get(i)).floatValue();
        }
        return new StoredChunk(row.getString("_id"), UUID.fromString(row.getString("tenantId")),
                UUID.fromString(row.getString("agentId")), UUID.fromString(row.getString("documentId")),
                row.getInteger("ordinal", 0), row.getString("title"), row.getString("heading"), row.getString("text"), row.getString("model"),
                vector);
    }

    private static long sizeOf(Document document) {
        Object size = document.get("sizeBytes");
        return size instanceof Number number ? number.longValue() : 0L;
    }

    private static KnowledgeDocument view(Document document) {
        return new KnowledgeDocument(UUID.fromString(document.getString("_id")),
                UUID.fromString(document.getString("tenantId")), UUID.fromString(document.getString("agentId")),
                document.getString("title"), document.getString("contentType"), document.getString("source"),
                document.getString("sourceUrl"), sizeOf(document),
                Status.valueOf(document.getString("status")), document.getInteger("chunksDone", 0),
                document.getInteger("chunksTotal", 0), document.getString("error"), document.getString("model"),
                document.getDate("createdAt").toInstant(), document.getDate("updatedAt").toInstant());
    }
}
