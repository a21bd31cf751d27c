package com.custarea.bench;

import java.nio.file.Path;

import com.custarea.embedded.EmbeddedKafkaBroker;
import com.custarea.embedded.EmbeddedMongoServer;
import com.custarea.embedded.EmbeddedPostgresServer;

/**
 * One embedded service in a process of its own, for the chaos drill to kill and restart: {@code kafka <dir> <port>}
 * or {@code databases <dir> <postgres port> <mongo port>}. Prints {@code READY ...} once it serves, then waits.
 */
public final class ServiceProcess {

    private ServiceProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "kafka" -> {
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, Integer.parseInt(args[2]));
                Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
                System.out.println("READY " + broker.bootstrapServers());
            }
            case "databases" -> {
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"),
                        Integer.parseInt(args[2]), "custarea", true);
                EmbeddedMongoServer mongo = EmbeddedMongoServer.start(dir.resolve("mongo"),
                        Integer.parseInt(args[3]));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    mongo.close();
                    postgres.close();
                }));
                System.out.println("READY " + postgres.jdbcUrl() + " " + mongo.connectionString("custarea"));
            }
            default -> throw new IllegalArgumentException("kafka or databases, not " + args[0]);
        }
        System.out.flush();
        Thread.currentThread().join();
    }
}
