package com.custarea.voice.realtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.ws.WholeTextListener;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's WebSocket to the OpenAI Realtime API: events out as JSON text frames, in order (the JDK's WebSocket takes
 * one send at a time, so each send waits for the one before it; events sent while the socket is still opening wait
 * for it), events in as parsed JSON, a message split over frames joined before it is parsed. A failure (the socket
 * would not open, broke, or the server closed it) is reported once, and never after {@link #close()}.
 */
public final class OpenAiRealtimeClient {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiRealtimeClient.class);

    /** What the client hears; called on the HTTP client's threads, one event at a time. */
    public interface Listener {

        /** A server event, e.g. {@code response.output_audio.delta}. */
        void onEvent(JsonNode event);

        /** The socket could not open, broke, or the server closed it; not called after {@link #close()}. */
        void onFailure(Throwable error);
    }

    private final Listener listener;
    private final Object sendLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    /** The last send (at first the opening): each send goes after it. */
    private CompletableFuture<WebSocket> tail;
    /** The JDK's listener: joins the frames of a message; also holds the socket once open. */
    private final WholeTextListener frames;

    private OpenAiRealtimeClient(Listener listener) {
        this.listener = listener;
        this.frames = new WholeTextListener(this::deliver, (statusCode, reason) -> {
            if (!closed.get()) {
                fail(new IllegalStateException("OpenAI Realtime closed the socket: " + statusCode + " " + reason));
            }
        }, this::fail);
    }

    /**
     * Starts opening the socket to {@code uri} with {@code apiKey} as the bearer token; the client is usable at once
     * (what is sent before the socket is open goes when it is).
     */
    public static OpenAiRealtimeClient connect(HttpClient http, URI uri, String apiKey, Duration connectTimeout,
                                               Listener listener) {
        OpenAiRealtimeClient client = new OpenAiRealtimeClient(listener);
        CompletableFuture<WebSocket> opening = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + apiKey)
                .connectTimeout(connectTimeout)
                .buildAsync(uri, client.frames);
        synchronized (client.sendLock) {
            client.tail = opening;
        }
        opening.whenComplete((socket, error) -> {
            if (error != null) {
                client.fail(error);
            }
        });
        return client;
    }

    /** Sends {@code event} after every event sent before it. */
    public void send(JsonNode event) {
        String text = PayloadJson.write(event);
        synchronized (sendLock) {
            if (closed.get()) {
                return;
            }
            tail = tail.thenCompose(socket -> socket.sendText(text, true));
            tail.whenComplete((socket, error) -> {
                if (error != null) {
                    fail(error);
                }
            });
        }
    }

    /**
     * Closes the socket (normal closure) once what was sent before it has gone; aborts it when the server has not
     * closed its side 5 s later, or when the socket cannot be closed cleanly.
     */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<WebSocket> last;
        synchronized (sendLock) {
            last = tail;
        }
        last.whenComplete((socket, error) -> {
            WebSocket open = socket != null ? socket : frames.socket();
            if (open == null) {
                return;
            }
            if (error != null) {
                open.abort();
                return;
            }
            open.sendClose(WebSocket.NORMAL_CLOSURE, "call ended").whenComplete((ignored, closeError) ->
                    CompletableFuture.delayedExecutor(closeError == null ? 5 : 0, TimeUnit.SECONDS).execute(() -> {
                        if (!open.isInputClosed()) {
                            open.abort();
                        }
                    }));
        });
    }

    public boolean isClosed() {
        return closed.get();
    }

    private void fail(Throwable error) {
        if (closed.get() || !failed.compareAndSet(false, true)) {
            return;
        }
        try {
            listener.onFailure(error);
        } catch (RuntimeException e) {
            LOG.warn("The Realtime listener failed on a socket failure", e);
        }
    }

    /** Parses a whole message and hands it over; called by the JDK one message at a time. */
    private void deliver(String message) {
        JsonNode event;
        try {
            event = PayloadJson.tree(message);
        } catch (RuntimeException e) {
            LOG.warn("OpenAI Realtime sent something that is not JSON: {}", e.getMessage());
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.error("Handling the Realtime event {} failed", event.path("type").asText(), e);
        }
    }
}
