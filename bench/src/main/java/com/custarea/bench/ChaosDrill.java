package com.custarea.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.custarea.routes.api.ApiCallbackRequestBuilder;
import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.api.ApiChannelRateLimits;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * The chaos drill: drives messages through the API channel while the application and the Kafka broker, each a
 * process of its own, are killed with SIGKILL and restarted; then checks that the tenant's system received every
 * reply (counted by our message id, duplicates reported) and the database holds every inbound message once.
 * Run from the repository root after {@code ./mvnw -q -B -DskipTests install}:
 * {@code java -cp bench/target/custarea-bench.jar -Dloader.main=com.custarea.bench.ChaosDrill
 * org.springframework.boot.loader.launch.PropertiesLauncher --messages 10000 --app-kills 20 --broker-kills 5}.
 */
public final class ChaosDrill {

    private static final String JWT_SECRET = "Y2hhb3MtZHJpbGwtand0LXNlY3JldC0zMi1ieXRlcyEhIQ==";
    private static final String MASTER_KEY = "Y2hhb3MtZHJpbGwtbWFzdGVyLWtleS0zMi1ieXRlcyE=";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Path root = Path.of("").toAbsolutePath();
    private final Path dir;
    private final int messages;
    private final int appKills;
    private final int brokerKills;
    private final int workers;
    private final int outageSeconds;
    private final int providerOutageSeconds;
    /** While set, the receiver is down: 429 with Retry-After in the first half of the outage, 503 in the second. */
    private volatile Instant providerDownUntil = Instant.MIN;
    private volatile Instant providerThrottledUntil = Instant.MIN;
    private final Map<String, Instant> notBefore = new ConcurrentHashMap<>();
    private final AtomicLong earlyRetries = new AtomicLong();
    private final AtomicLong refusedDeliveries = new AtomicLong();
    private final int appPort = freePort();
    private final int kafkaPort = freePort();
    private final int postgresPort = freePort();
    private final int mongoPort = freePort();
    private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong refusedAttempts = new AtomicLong();
    private Managed app;
    private Managed broker;
    private String jdbcUrl;
    private String mongoUri;

    private ChaosDrill(Path dir, int messages, int appKills, int brokerKills, int workers, int outageSeconds,
                       int providerOutageSeconds) {
        this.outageSeconds = outageSeconds;
        this.providerOutageSeconds = providerOutageSeconds;
        this.dir = dir;
        this.messages = messages;
        this.appKills = appKills;
        this.brokerKills = brokerKills;
        this.workers = workers;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("--messages", "10000", "--app-kills", "20",
                "--broker-kills", "5", "--workers", "8", "--db-outage-seconds", "0", "--provider-outage-seconds", "0"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path dir = Files.createTempDirectory("custarea-chaos");
        new ChaosDrill(dir, Integer.parseInt(options.get("--messages")), Integer.parseInt(options.get("--app-kills")),
                Integer.parseInt(options.get("--broker-kills")), Integer.parseInt(options.get("--workers")),
                Integer.parseInt(options.get("--db-outage-seconds")),
                Integer.parseInt(options.get("--provider-outage-seconds"))).run();
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "Chaos drill %s: %d messages, %d application kills, %d broker kills, "
                + "%d s database outage, %d s receiver outage, processes' logs in %s%n", Instant.now(), messages,
                appKills, brokerKills, outageSeconds, providerOutageSeconds, dir);
        HttpServer receiver = receiver();
        Managed databases = new Managed("databases", serviceCommand("databases", dir.resolve("databases").toString(),
                Integer.toString(postgresPort), Integer.toString(mongoPort)), Map.of());
        String[] ready = databases.start().split(" ");
        jdbcUrl = ready[1];
        mongoUri = ready[2];
        broker = new Managed("kafka", serviceCommand("kafka", dir.resolve("kafka").toString(),
                Integer.toString(kafkaPort)), Map.of());
        broker.start();
        app = new Managed("app", List.of(java(), "-Xmx1g", "-jar",
                root.resolve("integration-app/target/integration-app-exec.jar").toString(),
                "--logging.level.root=WARN", "--logging.level.com.custarea=WARN"), Map.of(
                "PORT", Integer.toString(appPort), "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort,
                "DB_URL", jdbcUrl, "DB_USER", "postgres", "MONGODB_URI", mongoUri,
                "CUSTAREA_DATA_DIR", dir.resolve("app").toString(), "CUSTAREA_DEMO_ENABLED", "false",
                "CUSTAREA_JWT_SECRET", JWT_SECRET, "CUSTAREA_MASTER_KEY", MASTER_KEY,
                // every message gets a reply to count, whatever a knowledge base would say
                "CUSTAREA_AI_ENGINE", "echo"));
        app.start();
        awaitReady();
        String[] channel = setUp("http://127.0.0.1:" + receiver.getAddress().getPort() + "/callbacks");
        System.out.println("Tenant and channel ready; driving load");

        Instant started = Instant.now();
        ExecutorService senders = Executors.newFixedThreadPool(workers);
        AtomicInteger next = new AtomicInteger();
        for (int w = 0; w < workers; w++) {
            senders.submit(() -> {
                for (int id = next.getAndIncrement(); id < messages; id = next.getAndIncrement()) {
                    sendUntilAccepted(channel[0], channel[1], id);
                }
            });
        }
        int appKilled = 0;
        int brokerKilled = 0;
        int kills = appKills + brokerKills;
        for (int k = 0; k < kills; k++) {
            int threshold = (int) ((long) messages * (k + 1) / (kills + 1));
            while (accepted.get() < threshold) {
                Thread.sleep(50);
            }
            // the broker kills are spread among the application kills
            boolean killBroker = brokerKilled < brokerKills && (k + 1) * brokerKills / kills > brokerKilled;
            if (killBroker) {
                broker.kill();
                Thread.sleep(2000);
                broker.start();
                brokerKilled++;
            } else {
                app.kill();
                app.start();
                appKilled++;
            }
            System.out.printf(Locale.ROOT, "%6.1f s: %d accepted; killed the %s (%d application, %d broker kills)%n",
                    seconds(started), accepted.get(), killBroker ? "broker" : "application", appKilled, brokerKilled);
        }
        if (outageSeconds > 0) {
            databaseOutage(started);
        }
        if (providerOutageSeconds > 0) {
            providerOutage(started);
        }
        senders.shutdown();
        while (!senders.awaitTermination(1, TimeUnit.SECONDS)) {
            // the workers retry each message until it is accepted
        }
        Instant allAccepted = Instant.now();
        System.out.printf(Locale.ROOT, "%6.1f s: all %d messages accepted (%d refused or failed attempts retried)%n",
                seconds(started), accepted.get(), refusedAttempts.get());
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (delivered.size() < messages && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        double drain = seconds(allAccepted);
        long[] stored = storedInbound(channel[2]);
        long duplicates = delivered.values().stream().mapToLong(count -> count.get() - 1).sum();
        System.out.printf(Locale.ROOT, "%nRESULT messages=%d applicationKills=%d brokerKills=%d%n", messages, appKilled,
                brokerKilled);
        System.out.printf(Locale.ROOT, "RESULT replies received (distinct message ids)=%d lost=%d duplicated=%d "
                + "(deliveries %d)%n", delivered.size(), messages - delivered.size(), duplicates, deliveries.get());
        System.out.printf(Locale.ROOT, "RESULT inbound stored=%d distinct=%d (expected %d each)%n", stored[0],
                stored[1], messages);
        System.out.printf(Locale.ROOT, "RESULT load %.1f s, drain after the last acceptance %.1f s, total %.1f s%n",
                Duration.between(started, allAccepted).toMillis() / 1000.0, drain, seconds(started));
        app.stop();
        broker.stop();
        databases.stop();
        receiver.stop(0);
        boolean passed = delivered.size() == messages && stored[0] == messages && stored[1] == messages;
        System.out.println(passed ? "PASSED: nothing lost, nothing stored twice" : "FAILED");
        System.exit(passed ? 0 : 1);
    }

    /** Halfway through, stops PostgreSQL for the outage and reports what the webhooks saw meanwhile. */
    private void databaseOutage(Instant started) throws Exception {
        while (accepted.get() < messages / 2) {
            Thread.sleep(50);
        }
        int acceptedBefore = accepted.get();
        long refusedBefore = refusedAttempts.get();
        Files.writeString(dir.resolve("databases").resolve(ServiceProcess.PAUSE_FILE), Integer.toString(outageSeconds));
        System.out.printf(Locale.ROOT, "%6.1f s: %d accepted; stopping PostgreSQL for %d s%n", seconds(started),
                acceptedBefore, outageSeconds);
        while (Files.exists(dir.resolve("databases").resolve(ServiceProcess.PAUSE_FILE))) {
            Thread.sleep(100);
        }
        System.out.printf(Locale.ROOT, "%6.1f s: PostgreSQL is back; during the outage %d messages were "
                        + "acknowledged and %d attempts refused%n", seconds(started), accepted.get() - acceptedBefore,
                refusedAttempts.get() - refusedBefore);
        System.out.printf(Locale.ROOT, "RESULT database outage %d s: acknowledged %d, refused attempts %d%n",
                outageSeconds, accepted.get() - acceptedBefore, refusedAttempts.get() - refusedBefore);
    }

    /** Halfway through, the tenant's system goes down: 429 with Retry-After: 5, then 503; then it recovers. */
    private void providerOutage(Instant started) throws InterruptedException {
        while (accepted.get() < messages / 2) {
            Thread.sleep(50);
        }
        Instant now = Instant.now();
        providerThrottledUntil = now.plusSeconds(providerOutageSeconds / 2);
        providerDownUntil = now.plusSeconds(providerOutageSeconds);
        System.out.printf(Locale.ROOT, "%6.1f s: %d accepted, %d replies received; the receiver is down for %d s%n",
                seconds(started), accepted.get(), delivered.size(), providerOutageSeconds);
        while (Instant.now().isBefore(providerDownUntil)) {
            Thread.sleep(100);
        }
        int before = delivered.size();
        Instant back = Instant.now();
        System.out.printf(Locale.ROOT, "%6.1f s: the receiver is back; %d replies received so far, %d deliveries "
                + "refused during the outage%n", seconds(started), before, refusedDeliveries.get());
        while (delivered.size() < accepted.get() && Duration.between(back, Instant.now()).toMinutes() < 10) {
            Thread.sleep(100);
        }
        System.out.printf(Locale.ROOT, "RESULT provider outage %d s: deliveries refused %d, attempts before "
                        + "Retry-After %d, backlog of %d replies drained %.1f s after recovery%n", providerOutageSeconds,
                refusedDeliveries.get(), earlyRetries.get(), accepted.get() - before, seconds(back));
    }

    private void sendUntilAccepted(String channelId, String secret, int id) {
        String body = "{\"messageId\":\"chaos-" + id + "\",\"sender\":{\"id\":\"chaos-user-" + (id % 500)
                + "\"},\"text\":\"chaos " + id + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        while (true) {
            long timestamp = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort
                            + "/api/channels/api/" + channelId + "/messages"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header(ApiChannelHeaders.TIMESTAMP, Long.toString(timestamp))
                    .header(ApiChannelHeaders.SIGNATURE, ApiChannelHeaders.SIGNATURE_PREFIX
                            + HmacSignatures.timestampedSha256Hex(secret, timestamp, bytes))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 202) {
                    accepted.incrementAndGet();
                    return;
                }
            } catch (IOException e) {
                // the application is down: try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            refusedAttempts.incrementAndGet();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Registers a tenant and an API channel with the AI agent on; returns the channel id, secret and tenant id. */
    private String[] setUp(String callbackUrl) throws Exception {
        JsonNode registered = post("/api/auth/register", null, Map.of("tenantName", "Chaos", "name", "Ops",
                "email", "ops-" + UUID.randomUUID() + "@chaos.example", "password", "chaos drill password"));
        String token = registered.get("accessToken").asText();
        JsonNode created = post("/api/channels", token, Map.of("type", "api", "name", "Chaos",
                "settings", Map.of(ApiCallbackRequestBuilder.CALLBACK_URL_SETTING, callbackUrl,
                        ApiChannelRateLimits.SETTING, "1000000"), "aiAgentEnabled", true));
        return new String[] {created.get("channel").get("id").asText(), created.get("generatedSecret").asText(),
                registered.get("user").get("tenantId").asText()};
    }

    private JsonNode post(String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PayloadJson.write(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return PayloadJson.tree(response.body());
    }

    private void awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort
                        + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("The application did not become ready; see " + dir.resolve("app.log"));
    }

    private HttpServer receiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.createContext("/callbacks", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
            }
            String id = exchange.getRequestHeaders().getFirst(ApiChannelHeaders.DELIVERY_ID);
            Instant now = Instant.now();
            Instant earliest = id == null ? null : notBefore.get(id);
            if (earliest != null && now.isBefore(earliest)) {
                earlyRetries.incrementAndGet();
            }
            if (now.isBefore(providerDownUntil)) {
                refusedDeliveries.incrementAndGet();
                if (now.isBefore(providerThrottledUntil) && id != null) {
                    notBefore.put(id, now.plusSeconds(5));
                    exchange.getResponseHeaders().add("Retry-After", "5");
                    exchange.sendResponseHeaders(429, -1);
                } else {
                    exchange.sendResponseHeaders(503, -1);
                }
                exchange.close();
                return;
            }
            if (id != null) {
                delivered.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
            }
            deliveries.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        return server;
    }

    private long[] storedInbound(String tenantId) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement query = connection.prepareStatement("""
                     SELECT count(*), count(DISTINCT provider_message_id) FROM messages
                     WHERE tenant_id = CAST(? AS uuid) AND direction = 'inbound'
                     """)) {
            query.setString(1, tenantId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return new long[] {row.getLong(1), row.getLong(2)};
            }
        }
    }

    private List<String> serviceCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-cp",
                root.resolve("bench/target/custarea-bench.jar").toString(),
                "-Dloader.main=" + ServiceProcess.class.getName(),
                "org.springframework.boot.loader.launch.PropertiesLauncher"));
        command.addAll(List.of(args));
        return command;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process the drill starts, kills (SIGKILL) and restarts, its output appended to {@code <name>.log}. */
    private final class Managed {
        private final String name;
        private final List<String> command;
        private final Map<String, String> environment;
        private Process process;

        Managed(String name, List<String> command, Map<String, String> environment) {
            this.name = name;
            this.command = command;
            this.environment = environment;
        }

        /** Starts the process; for a service, waits for its READY line and returns it. */
        String start() throws IOException, InterruptedException {
            Path log = dir.resolve(name + ".log");
            long offset = Files.exists(log) ? Files.size(log) : 0;
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            if (!name.equals("kafka") && !name.equals("databases")) {
                return "";
            }
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (Instant.now().isBefore(deadline)) {
                byte[] all = Files.readAllBytes(log);
                String fresh = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0,
                        all.length - offset), StandardCharsets.UTF_8);
                for (String line : fresh.split("\n")) {
                    if (line.startsWith("READY ")) {
                        return line.trim();
                    }
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited; see " + log);
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(name + " did not become ready; see " + log);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
