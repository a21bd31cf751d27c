package com.custarea.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A PostgreSQL server run as a child process from the zonky binaries, its cluster kept in a data folder. */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    public static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final String database;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, String database) {
        this.postgres = postgres;
        this.database = database;
    }

    /**
     * Starts PostgreSQL on loopback over the cluster in {@code directory} (initialised on first use) and creates
     * {@code database} when it is missing.
     *
     * @param synchronousCommit whether a commit waits for its WAL flush; on for the application (no lost commits),
     *                          off where speed matters more than a crash (tests)
     */
    public static EmbeddedPostgresServer start(Path directory, int port, String database, boolean synchronousCommit) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("Not a plain PostgreSQL database name: " + database);
        }
        try {
            Path cluster = directory.resolve("cluster");
            Files.createDirectories(cluster);
            stopOrphanedPostmaster(cluster);
            PortAllocation allocation = new PortAllocation(directory);
            int chosen = allocation.port("postgres", port);
            allocation.save();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(cluster)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(directory.resolve("binaries").toFile())
                    .setPort(chosen)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("synchronous_commit", synchronousCommit ? "on" : "off")
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(false)
                    .start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, database);
            server.createDatabaseIfMissing();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + directory, e);
        }
    }

    /**
     * A postmaster left running by a process that was killed (it is a child process, so it outlives a SIGKILL of the
     * JVM) holds the cluster; stop it so this start can take over the same data.
     */
    private static void stopOrphanedPostmaster(Path cluster) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().command().map(command -> command.endsWith("postgres")).orElse(false));
        if (orphan.isPresent()) {
            LOG.warn("Stopping an orphaned PostgreSQL (pid {}) left on {}", pid, cluster);
            orphan.get().destroy();
            try {
                orphan.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                orphan.get().destroyForcibly();
            }
        }
    }

    private void createDatabaseIfMissing() {
        try (Connection connection = DriverManager.getConnection(postgres.getJdbcUrl(USER, "postgres"), USER, "");
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rows = exists.executeQuery()) {
                if (!rows.next()) {
                    try (Statement create = connection.createStatement()) {
                        // the name was checked against DATABASE_NAME: identifiers cannot be bound as parameters
                        create.execute("CREATE DATABASE " + database);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the database " + database, e);
        }
    }

    /** The JDBC URL of the application database. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl(USER, database);
    }

    public int port() {
        return postgres.getPort();
    }

    public String database() {
        return database;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop the embedded PostgreSQL", e);
        }
    }
}
