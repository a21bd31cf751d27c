package com.custarea.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/** A MongoDB-wire server (mongo-java-server) whose data lives in an H2 file in a data folder. */
public final class EmbeddedMongoServer implements AutoCloseable {

    private final MongoServer server;
    private final H2Backend backend;
    private final int port;

    private EmbeddedMongoServer(MongoServer server, H2Backend backend, int port) {
        this.server = server;
        this.backend = backend;
        this.port = port;
    }

    /** Starts the server on loopback over {@code directory/mongo.mv}. */
    public static EmbeddedMongoServer start(Path directory, int port) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + directory, e);
        }
        PortAllocation allocation = new PortAllocation(directory);
        int chosen = allocation.port("mongo", port);
        allocation.save();
        H2Backend backend = new H2Backend(directory.resolve("mongo.mv").toString());
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", chosen);
        return new EmbeddedMongoServer(server, backend, chosen);
    }

    /** A connection string naming {@code database}. */
    public String connectionString(String database) {
        return "mongodb://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        server.shutdown();
        backend.close();
    }
}
