package com.custarea.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide registry of embedded services, one of each kind per data folder: the first caller starts a service,
 * later callers (another Spring context in the same test JVM, say) get the running one.
 */
public final class EmbeddedServices {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);
    private static final Map<String, AutoCloseable> RUNNING = Collections.synchronizedMap(new LinkedHashMap<>());

    private static boolean stopOnJvmExit;

    private EmbeddedServices() {
    }

    /**
     * Stops every service when the JVM exits, for callers that have no lifecycle of their own (a Spring application
     * stops its services after its own components instead, so nothing loses its broker mid-shutdown).
     */
    public static synchronized void stopAllOnJvmExit() {
        if (!stopOnJvmExit) {
            Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedServices::stopAll, "custarea-embedded-stop"));
            stopOnJvmExit = true;
        }
    }

    /** The Kafka broker kept in {@code dataDir/kafka}. */
    public static EmbeddedKafkaBroker kafka(Path dataDir, int port) {
        return obtain("kafka", dataDir, () -> EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), port));
    }

    /** The PostgreSQL server kept in {@code dataDir/postgres}. */
    public static EmbeddedPostgresServer postgres(Path dataDir, int port, String database, boolean synchronousCommit) {
        return obtain("postgres", dataDir,
                () -> EmbeddedPostgresServer.start(dataDir.resolve("postgres"), port, database, synchronousCommit));
    }

    /** The MongoDB-wire server kept in {@code dataDir/mongo}. */
    public static EmbeddedMongoServer mongo(Path dataDir, int port) {
        return obtain("mongo", dataDir, () -> EmbeddedMongoServer.start(dataDir.resolve("mongo"), port));
    }

    @SuppressWarnings("unchecked")
    private static synchronized <T extends AutoCloseable> T obtain(String kind, Path dataDir, Supplier<T> starter) {
        String key = kind + "@" + dataDir.toAbsolutePath().normalize();
        return (T) RUNNING.computeIfAbsent(key, ignored -> starter.get());
    }

    /** Stops every service kept in {@code dataDir}, newest first. */
    public static synchronized void stop(Path dataDir) {
        String suffix = "@" + dataDir.toAbsolutePath().normalize();
        List<String> keys = new ArrayList<>(RUNNING.keySet());
        Collections.reverse(keys);
        for (String key : keys) {
            if (key.endsWith(suffix)) {
                close(key, RUNNING.remove(key));
            }
        }
    }

    /** Stops every running service, newest first. */
    public static synchronized void stopAll() {
        List<String> keys = new ArrayList<>(RUNNING.keySet());
        Collections.reverse(keys);
        for (String key : keys) {
            close(key, RUNNING.remove(key));
        }
    }

    private static void close(String key, AutoCloseable service) {
        if (service == null) {
            return;
        }
        try {
            service.close();
            LOG.info("Stopped embedded {}", key);
        } catch (Exception e) {
            LOG.warn("Could not stop embedded {}: {}", key, e.toString());
        }
    }
}
