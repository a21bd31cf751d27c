package com.custarea.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A single-node KRaft Kafka broker (broker and controller in one process) whose log lives in a data folder. */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;

    private final Path directory;
    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(Path directory, KafkaRaftServer server, String bootstrapServers) {
        this.directory = directory;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats the log folder on first use (keeping the cluster id beside it) and starts the broker.
     *
     * @param directory  the broker's own folder; created when missing
     * @param brokerPort the client port, or 0 for the port used last time (or a free one)
     */
    public static EmbeddedKafkaBroker start(Path directory, int brokerPort) {
        try {
            Files.createDirectories(directory);
            Path logDir = directory.resolve("log");
            PortAllocation allocation = new PortAllocation(directory);
            int port = allocation.port("broker", brokerPort);
            int controllerPort = allocation.port("controller", 0);
            allocation.save();

            Properties props = brokerProperties(logDir, port, controllerPort);
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(config, clusterId(directory), logDir);
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            return new EmbeddedKafkaBroker(directory, server, "127.0.0.1:" + port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Kafka folder " + directory, e);
        }
    }

    private static Properties brokerProperties(Path logDir, int port, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // A single node cannot meet the default replication factor of 3: consumer groups would silently get nothing.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Topics come from the catalog (Topics); a misspelt name must fail instead of creating a stray topic.
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "3");
        return props;
    }

    private static String clusterId(Path directory) throws IOException {
        Path file = directory.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id, StandardCharsets.UTF_8);
        return id;
    }

    private static void format(KafkaConfig config, String clusterId, Path logDir) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format the Kafka log folder " + logDir + ": " + output, e);
        }
        LOG.debug("Formatted {} for cluster {}: {}", logDir, clusterId, output);
    }

    /** The {@code host:port} list for clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's folder (log, cluster id, ports). */
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
