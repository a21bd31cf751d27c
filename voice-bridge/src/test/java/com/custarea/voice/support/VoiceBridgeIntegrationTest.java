package com.custarea.voice.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.custarea.voice.VoiceBridgeApplication;
import com.custarea.voice.calls.CallMode;
import com.custarea.voice.lines.VoiceLine;
import com.custarea.voice.speech.FakeSpeechEngineConfiguration;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The base of the voice bridge's integration tests: integration-app runs as a process of its own from its packaged jar
 * (embedded Kafka, PostgreSQL and MongoDB; its agent echoes what it hears), the bridge runs in this JVM against it,
 * and Twilio is played by the tests: signed webhooks, signed socket upgrades, and the media they carry.
 */
@SpringBootTest(classes = VoiceBridgeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = "custarea.voice.embedded-wait=0s")
@Import(FakeSpeechEngineConfiguration.class)
public abstract class VoiceBridgeIntegrationTest {

    protected static final String BRIDGE_TOKEN = "voice-it-" + UUID.randomUUID();
    protected static final int VOICE_PORT = freePort();
    protected static final int REALTIME_FAKE_PORT = freePort();
    protected static final String OPENAI_KEY = "sk-test-fake";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SOCKET_URL = Pattern.compile("url=\"(wss?://[^\"]+)\"");
    private static final App APP = App.start();

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Map<String, Admin> ADMINS = new ConcurrentHashMap<>();

    /** A call as Twilio sees it once our TwiML connected it. */
    public record TwilioCall(String callSid, String from, String sessionId, String socketPath, String twiml,
                             VoiceLine line) {

        public UUID callId() {
            return CallEvent.callIdOf(callSid);
        }
    }

    private record Admin(UUID tenantId, String token) {
    }

    @DynamicPropertySource
    static void bridge(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> VOICE_PORT);
        registry.add("custarea.voice.public-base-url", () -> "http://127.0.0.1:" + VOICE_PORT);
        registry.add("custarea.voice.app-base-url", () -> APP.baseUrl);
        registry.add("custarea.voice.bridge-token", () -> BRIDGE_TOKEN);
        registry.add("custarea.voice.kafka.bootstrap-servers", () -> APP.bootstrapServers);
        registry.add("custarea.voice.speech.engine", () -> "fake");
        registry.add("custarea.voice.openai.realtime-url", () -> "ws://127.0.0.1:" + REALTIME_FAKE_PORT
                + "/v1/realtime");
        registry.add("custarea.voice.openai.api-key", () -> OPENAI_KEY);
    }

    /** A new tenant with a voice channel in {@code mode}, its number and Twilio account new too. */
    protected VoiceLine newLine(CallMode mode) {
        return newLine(mode, true);
    }

    /** {@link #newLine(CallMode)} with the channel's AI agent switch as given. */
    protected VoiceLine newLine(CallMode mode, boolean aiAgentEnabled) {
        return newLine(mode, aiAgentEnabled, null);
    }

    /** {@link #newLine(CallMode, boolean)} with the greeting the line speaks first (null: none). */
    protected VoiceLine newLine(CallMode mode, boolean aiAgentEnabled, String greeting) {
        String email = "voice-" + UUID.randomUUID() + "@tenant.example";
        JsonNode registered = APP.post("/api/auth/register", null, Map.of("tenantName", "Voice " + email,
                "name", "Admin", "email", email, "password", "correct horse battery"));
        Admin admin = new Admin(UUID.fromString(registered.path("user").path("tenantId").asText(
                registered.path("tenantId").asText())), registered.path("accessToken").asText());
        String number = randomNumber();
        String accountSid = "AC" + hex(16);
        String authToken = hex(16);
        String transferNumber = randomNumber();
        Map<String, Object> settings = new HashMap<>(Map.of("phoneNumber", number, "accountSid", accountSid,
                "mode", mode.wireName(), "language", "en-US", "transferNumber", transferNumber));
        if (greeting != null) {
            settings.put("greeting", greeting);
        }
        JsonNode channel = APP.post("/api/channels", admin.token(), Map.of("type", "voice", "name", "Phone",
                "settings", settings, "secret", authToken, "aiAgentEnabled", aiAgentEnabled));
        ADMINS.put(number, admin);
        return new VoiceLine(admin.tenantId(), UUID.fromString(channel.path("channel").path("id").asText()), number,
                mode, accountSid, authToken, null, greeting, "en-US", null, transferNumber);
    }

    /** A new AI agent of the line's tenant answering on the line: the offline model, these instructions and tools. */
    protected JsonNode newAgent(VoiceLine line, String name, String instructions, List<String> enabledTools) {
        return APP.post("/api/ai-agent", ADMINS.get(line.phoneNumber()).token(), Map.of("name", name,
                "instructions", instructions, "channelIds", List.of(line.channelId().toString()),
                "enabledTools", enabledTools));
    }

    /** GET {@code path} of integration-app's API as the admin of the line's tenant. */
    protected JsonNode apiGet(VoiceLine line, String path) {
        return APP.get(path, ADMINS.get(line.phoneNumber()).token());
    }

    /** Twilio's voice webhook for a new inbound call to {@code line}, signed, and what our TwiML answered. */
    protected TwilioCall call(VoiceLine line) {
        String callSid = "CA" + hex(16);
        String from = randomNumber();
        Map<String, String> params = new TreeMap<>(Map.of("CallSid", callSid, "AccountSid", line.accountSid(),
                "From", from, "To", line.phoneNumber(), "Direction", "inbound", "CallStatus", "ringing"));
        HttpResponse<String> answer = postForm("/twiml/voice", params, line.authToken());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Matcher url = SOCKET_URL.matcher(answer.body());
        assertThat(url.find()).as(answer.body()).isTrue();
        URI socket = URI.create(url.group(1));
        String path = socket.getRawPath();
        return new TwilioCall(callSid, from, path.substring(path.lastIndexOf('/') + 1), path, answer.body(), line);
    }

    /** A form POST to the bridge, signed as Twilio signs it with {@code authToken} (none: unsigned). */
    protected HttpResponse<String> postForm(String path, Map<String, String> params, String authToken) {
        String body = params.entrySet().stream().map(entry -> URLEncoder.encode(entry.getKey(),
                StandardCharsets.UTF_8) + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + VOICE_PORT + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authToken != null) {
            request.header("X-Twilio-Signature", twilioSignature(authToken, "http://127.0.0.1:" + VOICE_PORT + path,
                    params));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens the call's socket as Twilio does: the upgrade signed over the wss URL. */
    protected WebSocket connect(TwilioCall call, WebSocket.Listener listener) {
        String url = "ws://127.0.0.1:" + VOICE_PORT + call.socketPath();
        return http.newWebSocketBuilder()
                .header("X-Twilio-Signature", twilioSignature(call.line().authToken(), url, Map.of()))
                .buildAsync(URI.create(url), listener).join();
    }

    /** What calls.events holds for {@code callId}, in the call's order. */
    protected List<CallEvent> callEvents(UUID callId) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, APP.bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CALLS_EVENTS.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<CallEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    CallEvent event = PayloadJson.read(record.value(), CallEvent.class);
                    if (event.callId().equals(callId)) {
                        events.add(event);
                    }
                }
            }
            events.sort(Comparator.comparingInt(CallEvent::sequence));
            return events;
        }
    }

    /** The messages of the voice conversation of {@code customerNumber} on {@code line}, oldest first. */
    protected List<JsonNode> conversationOf(VoiceLine line, String customerNumber) {
        Admin admin = ADMINS.get(line.phoneNumber());
        JsonNode conversations = APP.get("/api/conversations?channel=voice&limit=100", admin.token());
        List<JsonNode> messages = new ArrayList<>();
        for (JsonNode conversation : conversations.path("items")) {
            JsonNode contact = APP.get("/api/contacts/" + conversation.path("contactId").asText(), admin.token());
            boolean customers = false;
            for (JsonNode identifier : contact.path("identifiers")) {
                customers |= customerNumber.equals(identifier.path("value").asText());
            }
            if (!customers) {
                continue;
            }
            APP.get("/api/messages?limit=100&conversationId=" + conversation.path("id").asText(), admin.token())
                    .path("items").forEach(messages::add);
        }
        messages.sort(Comparator.comparing((JsonNode message) -> message.path("createdAt").asText())
                .thenComparing(message -> message.path("id").asText()));
        return messages;
    }

    /** The call entry integration-app keeps (GET /api/phone/calls/{id}). */
    protected JsonNode callEntry(VoiceLine line, UUID callId) {
        return APP.get("/api/phone/calls/" + callId, ADMINS.get(line.phoneNumber()).token());
    }

    protected static String twilioSignature(String authToken, String url, Map<String, String> params) {
        StringBuilder signed = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, value) -> signed.append(name).append(value));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(signed.toString()
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static String randomNumber() {
        return "+1415" + (1_000_000 + RANDOM.nextInt(8_999_999));
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** integration-app, started once per test JVM from its packaged jar, stopped with the JVM. */
    private static final class App {

        private final String baseUrl;
        private final String bootstrapServers;
        private final HttpClient client = HttpClient.newHttpClient();

        private App(String baseUrl, String bootstrapServers) {
            this.baseUrl = baseUrl;
            this.bootstrapServers = bootstrapServers;
        }

        static App start() {
            Path jar = Path.of("..", "integration-app", "target", "integration-app-exec.jar").toAbsolutePath()
                    .normalize();
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: build integration-app first (./mvnw -B verify "
                        + "builds the modules in order)");
            }
            int port = freePort();
            int kafkaPort = freePort();
            Path data = Path.of("target", "voice-it-app").toAbsolutePath();
            try {
                deleteRecursively(data);
                Files.createDirectories(data);
                String java = ProcessHandle.current().info().command().orElse("java");
                Process process = new ProcessBuilder(java, "-Xmx1g", "-jar", jar.toString(),
                        "--server.port=" + port, "--custarea.data-dir=" + data,
                        "--custarea.embedded.kafka.port=" + kafkaPort, "--custarea.demo.enabled=false",
                        "--custarea.ai.engine=echo", "--custarea.voice.bridge-token=" + BRIDGE_TOKEN,
                        "--camel.main.shutdown-timeout=5",
                        // every test tenant signs up from 127.0.0.1
                        "--custarea.security.login-limit-per-client=100000")
                        .redirectErrorStream(true).redirectOutput(data.resolveSibling("voice-it-app.log").toFile())
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    process.destroy();
                    try {
                        process.waitFor();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                App app = new App("http://127.0.0.1:" + port, "127.0.0.1:" + kafkaPort);
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("integration-app exited; see target/voice-it-app.log");
                    }
                    return app.healthy();
                });
                return app;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start integration-app from " + jar, e);
            }
        }

        boolean healthy() {
            try {
                return client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        JsonNode post(String path, String token, Object body) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(PayloadJson.write(body)));
            return send(token == null ? request : request.header("Authorization", "Bearer " + token), path);
        }

        JsonNode get(String path, String token) {
            return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token)
                    .GET(), path);
        }

        private JsonNode send(HttpRequest.Builder request, String path) {
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException(path + " answered " + response.statusCode() + ": "
                            + response.body());
                }
                return PayloadJson.tree(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private static void deleteRecursively(Path path) throws IOException {
            if (!Files.exists(path)) {
                return;
            }
            try (var files = Files.walk(path)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }
}
