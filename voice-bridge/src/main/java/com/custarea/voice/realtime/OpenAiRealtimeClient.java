package com.custarea.voice.realtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.ws.WholeTextListener;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's WebSocket to the OpenAI Realtime API: events out as JSON text frames, in order, events in as JSON, a
 * failure reported once and never after {@link #close()}.
 */
public final class OpenAiRealtimeClient {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiRealtimeClient.class);

    /** What the client hears; called on the HTTP client's threads, one event at a time. */
    public interface Listener {

        /**
         * A server event as it came, before it is parsed: true when it was handled so (a per-frame event that needs
         * no JSON tree), false to have it parsed and given to {@link #onEvent}.
         */
        default boolean onText(String event) {
            return false;
        }

        /** A server event, e.g. {@code response.output_audio.delta}. */
        void onEvent(JsonNode event);

        /** The socket could not open, broke, or the server closed it; not called after {@link #close()}. */
        void onFailure(Throwable error);
    }

    private final Listener listener;
    private final Object sendLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    // the JDK's WebSocket takes one send at a time: the events wait here, in order, for the one before them (and
    // for the socket to open); guarded by sendLock
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private WebSocket socket;
    private boolean sending;
    private boolean closeStarted;
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
        opening.whenComplete((socket, error) -> {
            if (error != null) {
                client.fail(error);
                return;
            }
            synchronized (client.sendLock) {
                client.socket = socket;
            }
            client.pump();
        });
        return client;
    }

    /** Sends {@code event} after every event sent before it. */
    public void send(JsonNode event) {
        send(PayloadJson.write(event));
    }

    /** Sends {@code text}, an event's JSON, after every event sent before it. */
    public void send(String text) {
        synchronized (sendLock) {
            if (closed.get()) {
                return;
            }
            queue.add(text);
        }
        pump();
    }

    /**
     * Closes the socket (normal closure) once what was sent before it has gone; aborts it when the server has not
     * closed its side 5 s later, or when the socket cannot be closed cleanly.
     */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pump();
        }
    }

    /**
     * Sends the queued events one after the other while the socket takes them at once, and hands the rest to the
     * completion of the send in flight; once closed and drained, closes the socket.
     */
    private void pump() {
        while (true) {
            WebSocket open;
            String text;
            synchronized (sendLock) {
                if (sending || socket == null || closeStarted) {
                    return;
                }
                open = socket;
                text = queue.poll();
                if (text == null) {
                    if (!closed.get()) {
                        return;
                    }
                    closeStarted = true;
                } else {
                    sending = true;
                }
            }
            if (text == null) {
                closeSocket(open);
                return;
            }
            CompletableFuture<WebSocket> sent = open.sendText(text, true);
            if (!sent.isDone()) {
                sent.whenComplete((ignored, error) -> {
                    if (sent(open, error)) {
                        pump();
                    }
                });
                return;
            }
            if (!sent(open, sent.handle((ignored, error) -> error).join())) {
                return;
            }
        }
    }

    /** Whether the next send may go after one that ended with {@code error} (null: it went). */
    private boolean sent(WebSocket open, Throwable error) {
        synchronized (sendLock) {
            sending = false;
            if (error != null) {
                queue.clear();
                closeStarted = true;
            }
        }
        if (error != null) {
            fail(error);
            open.abort();
            return false;
        }
        return true;
    }

    private static void closeSocket(WebSocket open) {
        open.sendClose(WebSocket.NORMAL_CLOSURE, "call ended").whenComplete((ignored, closeError) ->
                CompletableFuture.delayedExecutor(closeError == null ? 5 : 0, TimeUnit.SECONDS).execute(() -> {
                    if (!open.isInputClosed()) {
                        open.abort();
                    }
                }));
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
        try {
            if (listener.onText(message)) {
                return;
            }
        } catch (RuntimeException e) {
            LOG.error("Handling a Realtime event failed", e);
            return;
        }
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
