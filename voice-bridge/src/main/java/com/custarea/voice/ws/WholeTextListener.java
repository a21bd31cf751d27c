package com.custarea.voice.ws;

import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** A JDK WebSocket listener that joins the frames of each text message and hands on whole messages, one at a time. */
public final class WholeTextListener implements WebSocket.Listener {

    private final Consumer<String> messages;
    private final BiConsumer<Integer, String> closes;
    private final Consumer<Throwable> errors;
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;

    /** Hands each whole text message to {@code messages}; closes and errors are ignored. */
    public WholeTextListener(Consumer<String> messages) {
        this(messages, (statusCode, reason) -> { }, error -> { });
    }

    /**
     * Hands each whole text message to {@code messages}, the peer's close (status code, reason) to {@code closes}
     * and a failure of the socket to {@code errors}.
     */
    public WholeTextListener(Consumer<String> messages, BiConsumer<Integer, String> closes,
                             Consumer<Throwable> errors) {
        this.messages = messages;
        this.closes = closes;
        this.errors = errors;
    }

    /** The socket once it is open, null before. */
    public WebSocket socket() {
        return socket;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        // the JDK calls one method at a time and only after request(1), so partial needs no lock
        String message = null;
        if (last && partial.length() == 0) {
            message = data.toString(); // the usual single-frame message, without a copy through partial
        } else {
            partial.append(data);
            if (last) {
                message = partial.toString();
                partial.setLength(0);
            }
        }
        if (message != null) {
            messages.accept(message);
        }
        webSocket.request(1);
        return null;
    }

    // binary frames: the default ignores them and asks for the next message

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closes.accept(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        errors.accept(error);
    }
}
