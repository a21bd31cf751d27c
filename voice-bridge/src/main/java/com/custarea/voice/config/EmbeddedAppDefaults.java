package com.custarea.voice.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Next to integration-app's embedded mode (the README's run command), finds what the bridge needs in the shared data
 * folder when it is not configured: the embedded Kafka broker's port and the token integration-app generated for the
 * bridge. On a first start both appear once integration-app's services are up, so the bridge waits for them a while.
 */
public class EmbeddedAppDefaults implements EnvironmentPostProcessor {

    static final String TOKEN_FILE = "voice-bridge.token";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        boolean kafkaSet = !env.getProperty("custarea.voice.kafka.bootstrap-servers", "").isBlank();
        boolean tokenSet = !env.getProperty("custarea.voice.bridge-token", "").isBlank();
        if (kafkaSet && tokenSet) {
            return;
        }
        Path data = Path.of(env.getProperty("custarea.data-dir", "./data")).toAbsolutePath().normalize();
        Path ports = data.resolve("kafka").resolve("ports.properties");
        Path token = data.resolve(TOKEN_FILE);
        Duration wait = env.getProperty("custarea.voice.embedded-wait", Duration.class, Duration.ofMinutes(2));
        long deadline = System.nanoTime() + wait.toNanos();
        while ((!kafkaSet && !Files.exists(ports) || !tokenSet && !Files.exists(token))
                && System.nanoTime() < deadline) {
            sleep();
        }
        Map<String, Object> found = new HashMap<>();
        if (!kafkaSet) {
            found.put("custarea.voice.kafka.bootstrap-servers", Files.exists(ports)
                    ? "127.0.0.1:" + brokerPort(ports) : "localhost:9092");
        }
        if (!tokenSet && Files.exists(token)) {
            try {
                found.put("custarea.voice.bridge-token", Files.readString(token, StandardCharsets.US_ASCII).trim());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + token, e);
            }
        }
        // first: the keys it sets were blank, and a blank value in application.yml would win over a later source
        env.getPropertySources().addFirst(new MapPropertySource("custarea-embedded-app", found));
    }

    private static String brokerPort(Path ports) {
        Properties values = new Properties();
        try (InputStream in = Files.newInputStream(ports)) {
            values.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + ports, e);
        }
        return values.getProperty("broker");
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for integration-app's data folder", e);
        }
    }
}
