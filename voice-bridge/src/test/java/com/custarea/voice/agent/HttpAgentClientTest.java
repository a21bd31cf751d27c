package com.custarea.voice.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.custarea.voice.calls.CallMode;
import com.custarea.voice.calls.CallSession;
import com.custarea.voice.lines.VoiceLine;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's answer read as NDJSON while integration-app (played by a local server) writes it: each delta is handed
 * on when its line arrives, the done line gives the text, hand-off and tool calls, and an error, a broken stream or
 * silence longer than the agent timeout ends in the apology.
 */
class HttpAgentClientTest {

    private static final String TOKEN = "bridge-token";
    private static final CallSession CALL = new CallSession("s", UUID.randomUUID(), new VoiceLine(UUID.randomUUID(),
            UUID.randomUUID(), "+14155550199", CallMode.LEGACY, "AC1", "t", null, null, "en-US", null, null),
            "CA1", "+14155550100", "+14155550199", "inbound", CallMode.LEGACY, Instant.now());

    private HttpServer server;

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void eachDeltaIsHandedOnWhenItsLineArrivesAndTheDoneLineEndsTheReply() {
        CompletableFuture<Void> rest = new CompletableFuture<>();
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpAgentClient client = client(exchange -> {
            requests.add(exchange.getRequestHeaders().getFirst("Accept") + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                line(out, "{\"delta\":\"Your parcel \"}");
                line(out, "{\"delta\":\"left today.\"}");
                rest.get(10, TimeUnit.SECONDS);
                line(out, "{\"delta\":\" It arrives on Monday.\"}");
                line(out, "{\"done\":true,\"text\":\"Your parcel left today. It arrives on Monday.\",\"handoff\":true,"
                        + "\"handoffReason\":\"asked for a human\",\"toolCalls\":[{\"name\":\"create_ticket\","
                        + "\"arguments\":\"{\\\"subject\\\":\\\"Parcel\\\"}\",\"outcome\":\"opened\"}]}");
            } catch (Exception e) {
                throw new IOException(e);
            }
        }, Duration.ofSeconds(10));
        List<String> deltas = new CopyOnWriteArrayList<>();

        AgentClient.AgentReply reply = client.reply(CALL, "Where is my parcel?", delta -> {
            deltas.add(delta);
            if (deltas.size() == 2) {
                // the server holds the rest back until the first two lines have been handed on
                rest.complete(null);
            }
        });

        assertThat(deltas).containsExactly("Your parcel ", "left today.", " It arrives on Monday.");
        assertThat(reply.text()).isEqualTo("Your parcel left today. It arrives on Monday.");
        assertThat(reply.handoff()).isTrue();
        assertThat(reply.handoffReason()).isEqualTo("asked for a human");
        assertThat(reply.toolCalls()).containsExactly(new AgentClient.ToolCall("create_ticket",
                "{\"subject\":\"Parcel\"}", "opened"));
        assertThat(requests).containsExactly("application/x-ndjson Bearer " + TOKEN);
    }

    @Test
    void anErrorAnswerOrAnErrorLineEndsInTheApology() {
        HttpAgentClient refused = client(exchange -> {
            byte[] body = "{\"title\":\"Bad Request\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }, Duration.ofSeconds(10));
        List<String> deltas = new CopyOnWriteArrayList<>();
        assertThat(refused.reply(CALL, "hi", deltas::add).text()).isEqualTo(HttpAgentClient.APOLOGY);
        assertThat(deltas).containsExactly(HttpAgentClient.APOLOGY);
        server.stop(0);

        HttpAgentClient failing = client(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                line(out, "{\"delta\":\"Your parcel\"}");
                line(out, "{\"done\":true,\"error\":\"the agent could not answer\"}");
            }
        }, Duration.ofSeconds(10));
        List<String> partial = new CopyOnWriteArrayList<>();
        AgentClient.AgentReply reply = failing.reply(CALL, "hi", partial::add);
        assertThat(partial).containsExactly("Your parcel", "\n" + HttpAgentClient.APOLOGY);
        assertThat(reply.text()).isEqualTo("Your parcel\n" + HttpAgentClient.APOLOGY);
        assertThat(reply.handoff()).isFalse();
    }

    @Test
    void anAnswerSilentForLongerThanTheTimeoutEndsInTheApology() {
        CompletableFuture<Void> released = new CompletableFuture<>();
        HttpAgentClient client = client(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                line(out, "{\"delta\":\"Let me see.\"}");
                released.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the client gave up: the stream is gone
            }
        }, Duration.ofMillis(500));
        List<String> deltas = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();

        AgentClient.AgentReply reply = client.reply(CALL, "hi", deltas::add);

        released.complete(null);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(450),
                Duration.ofSeconds(5));
        assertThat(deltas).containsExactly("Let me see.", "\n" + HttpAgentClient.APOLOGY);
        assertThat(reply.text()).isEqualTo("Let me see.\n" + HttpAgentClient.APOLOGY);
    }

    private HttpAgentClient client(HttpHandler handler, Duration timeout) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/api/internal/voice/answer", exchange -> {
            exchange.getRequestBody().readAllBytes();
            handler.handle(exchange);
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        return new HttpAgentClient(new InternalVoiceApi(url, TOKEN), timeout);
    }

    private static void line(OutputStream out, String json) throws IOException {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
