package com.custarea.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.custarea.embedded.EmbeddedKafkaBroker;
import com.custarea.embedded.EmbeddedMongoServer;
import com.custarea.embedded.EmbeddedPostgresServer;

/**
 * One embedded service in a process of its own, for the chaos drill to kill and restart: {@code kafka <dir> <port>}
 * or {@code databases <dir> <postgres port> <mongo port>}. Prints {@code READY ...} once it serves, then waits; the
 * databases process stops PostgreSQL for a while when asked through {@link #PAUSE_FILE}.
 */
public final class ServiceProcess {

    /** The file in the databases' folder that asks for a PostgreSQL outage of the seconds it holds. */
    public static final String PAUSE_FILE = "pause-postgres";

    private ServiceProcess() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "kafka" -> {
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, Integer.parseInt(args[2]));
                Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
                System.out.println("READY " + broker.bootstrapServers());
            }
            case "databases" -> {
                int postgresPort = Integer.parseInt(args[2]);
                EmbeddedPostgresServer[] postgres = {EmbeddedPostgresServer.start(dir.resolve("postgres"),
                        postgresPort, "custarea", true)};
                EmbeddedMongoServer mongo = EmbeddedMongoServer.start(dir.resolve("mongo"),
                        Integer.parseInt(args[3]));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    mongo.close();
                    postgres[0].close();
                }));
                System.out.println("READY " + postgres[0].jdbcUrl() + " " + mongo.connectionString("custarea"));
                System.out.flush();
                // an outage on request: the file names how many seconds PostgreSQL stays stopped
                Path pause = dir.resolve(PAUSE_FILE);
                while (true) {
                    if (Files.exists(pause)) {
                        long seconds = Long.parseLong(Files.readString(pause).trim());
                        postgres[0].close();
                        System.out.println("STOPPED PostgreSQL for " + seconds + " s");
                        System.out.flush();
                        Thread.sleep(seconds * 1000);
                        postgres[0] = EmbeddedPostgresServer.start(dir.resolve("postgres"), postgresPort, "custarea",
                                true);
                        Files.delete(pause);
                        System.out.println("RESUMED PostgreSQL");
                        System.out.flush();
                    }
                    Thread.sleep(200);
                }
            }
            default -> throw new IllegalArgumentException("kafka or databases, not " + args[0]);
        }
        System.out.flush();
        Thread.currentThread().join();
    }
}
