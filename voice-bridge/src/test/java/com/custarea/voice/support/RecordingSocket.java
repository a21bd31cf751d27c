package com.custarea.voice.support;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/** An open call socket for handler unit tests that keeps every JSON message sent to it, in order. */
public final class RecordingSocket {

    private final List<JsonNode> sent = new CopyOnWriteArrayList<>();
    private final WebSocketSession session = mock(WebSocketSession.class);

    public RecordingSocket() {
        when(session.isOpen()).thenReturn(true);
        try {
            doAnswer(invocation -> {
                sent.add(PayloadJson.tree(((TextMessage) invocation.getArgument(0)).getPayload()));
                return null;
            }).when(session).sendMessage(any());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The socket to hand to the handler. */
    public WebSocketSession session() {
        return session;
    }

    /** Every message sent so far. */
    public List<JsonNode> sent() {
        return sent;
    }

    /** The messages sent so far whose {@code field} is {@code value} (e.g. event: media, type: text). */
    public List<JsonNode> sent(String field, String value) {
        return sent.stream().filter(message -> value.equals(message.path(field).asText())).toList();
    }
}
