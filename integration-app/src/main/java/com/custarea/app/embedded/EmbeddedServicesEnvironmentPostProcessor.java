package com.custarea.app.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.custarea.embedded.EmbeddedKafkaBroker;
import com.custarea.embedded.EmbeddedMongoServer;
import com.custarea.embedded.EmbeddedPostgresServer;
import com.custarea.embedded.EmbeddedServices;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives the application a Kafka broker, a PostgreSQL and a MongoDB-wire server before anything connects: each one
 * whose address is configured is used as it is; each one that is not is started embedded, its data under the data
 * folder, and its address put into the environment. One log line per service says which it uses.
 */
public class EmbeddedServicesEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** The property source holding the addresses of the services started here. */
    public static final String PROPERTY_SOURCE = "custarea-embedded-services";
    /** Set to true when the PostgreSQL in use is the embedded one (the demo tenant is created only then). */
    public static final String EMBEDDED_POSTGRES_FLAG = "custarea.embedded.postgres.active";

    private final Log log;

    public EmbeddedServicesEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(EmbeddedServicesEnvironmentPostProcessor.class);
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!env.getProperty("custarea.embedded.enabled", Boolean.class, true)) {
            return;
        }
        Path dataDir = Path.of(env.getProperty("custarea.data-dir", "./data")).toAbsolutePath().normalize();
        Map<String, Object> resolved = new LinkedHashMap<>();
        kafka(env, dataDir, resolved);
        postgres(env, dataDir, resolved);
        mongo(env, dataDir, resolved);
        env.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, resolved));
    }

    private void kafka(ConfigurableEnvironment env, Path dataDir, Map<String, Object> resolved) {
        String configured = env.getProperty("custarea.kafka.bootstrap-servers", "");
        if (!configured.isBlank()) {
            log.info("Kafka: external at " + configured);
            return;
        }
        long started = System.nanoTime();
        EmbeddedKafkaBroker broker = EmbeddedServices.kafka(dataDir,
                env.getProperty("custarea.embedded.kafka.port", Integer.class, 0));
        resolved.put("custarea.kafka.bootstrap-servers", broker.bootstrapServers());
        log.info("Kafka: embedded KRaft broker at " + broker.bootstrapServers() + ", data in " + broker.directory()
                + " (ready in " + millisSince(started) + " ms)");
    }

    private void postgres(ConfigurableEnvironment env, Path dataDir, Map<String, Object> resolved) {
        String url = env.getProperty("custarea.db.url", "");
        String host = env.getProperty("custarea.db.host", "");
        if (!url.isBlank()) {
            log.info("PostgreSQL: external at " + redact(url));
            resolved.put("spring.datasource.url", url);
            return;
        }
        if (!host.isBlank()) {
            String jdbcUrl = "jdbc:postgresql://" + host + ":" + env.getProperty("custarea.db.port", "5432") + "/"
                    + env.getProperty("custarea.db.name", "custarea");
            log.info("PostgreSQL: external at " + jdbcUrl);
            resolved.put("spring.datasource.url", jdbcUrl);
            return;
        }
        long started = System.nanoTime();
        EmbeddedPostgresServer postgres = EmbeddedServices.postgres(dataDir,
                env.getProperty("custarea.embedded.postgres.port", Integer.class, 0),
                env.getProperty("custarea.db.name", "custarea"),
                env.getProperty("custarea.embedded.postgres.synchronous-commit", Boolean.class, true));
        resolved.put("spring.datasource.url", postgres.jdbcUrl());
        resolved.put("spring.datasource.username", EmbeddedPostgresServer.USER);
        resolved.put("spring.datasource.password", "");
        resolved.put(EMBEDDED_POSTGRES_FLAG, true);
        log.info("PostgreSQL: embedded at 127.0.0.1:" + postgres.port() + "/" + postgres.database() + ", data in "
                + dataDir.resolve("postgres") + " (ready in " + millisSince(started) + " ms)");
    }

    private void mongo(ConfigurableEnvironment env, Path dataDir, Map<String, Object> resolved) {
        String uri = env.getProperty("custarea.mongodb.uri", "");
        if (!uri.isBlank()) {
            log.info("MongoDB: external at " + redact(uri));
            return;
        }
        long started = System.nanoTime();
        EmbeddedMongoServer mongo = EmbeddedServices.mongo(dataDir,
                env.getProperty("custarea.embedded.mongo.port", Integer.class, 0));
        resolved.put("custarea.mongodb.uri", mongo.connectionString(env.getProperty("custarea.mongodb.database",
                "custarea")));
        log.info("MongoDB: embedded mongo-java-server at 127.0.0.1:" + mongo.port() + ", data in "
                + dataDir.resolve("mongo") + " (ready in " + millisSince(started) + " ms)");
    }

    /** Drops credentials from a connection URL before it is logged. */
    static String redact(String url) {
        return url.replaceAll("//[^/@]+@", "//***@").replaceAll("(?i)(password=)[^&;]+", "$1***");
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
