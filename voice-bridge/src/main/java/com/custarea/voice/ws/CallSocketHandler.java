package com.custarea.voice.ws;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallSession;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A call socket's handler: takes the call its handshake claimed, keeps the socket's state {@code S}, and hands it
 * each JSON message and the close.
 */
public abstract class CallSocketHandler<S> extends TextWebSocketHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CallSocketHandler.class);
    /** Where a socket keeps its call and state: a socket has one handler, so one key serves every handler. */
    private static final String OPENED = "custarea.call.socket";
    // a socket that takes longer than 5 s to send, or falls 512 KiB behind, is closed rather than waited for
    private static final int SEND_TIME_LIMIT_MS = 5000;
    private static final int BUFFER_SIZE_LIMIT = 512 * 1024;

    private final String peer;

    /** {@code peer} names the other end in the logs, e.g. {@code Twilio}. */
    protected CallSocketHandler(String peer) {
        this.peer = peer;
    }

    /**
     * The state of a socket just opened for {@code call} (never null); {@code serialisedSession} is the socket with
     * its sends queued, so any thread of the call may send.
     */
    protected abstract S open(CallSession call, WebSocketSession serialisedSession);

    /**
     * A message of the socket as it came, before it is parsed: true when it was handled so (a per-frame message that
     * needs no JSON tree), false to have it parsed and given to {@link #onMessage}.
     */
    protected boolean onText(S state, String message) {
        return false;
    }

    /** A message of the socket, parsed (messages that are not JSON are logged and dropped). */
    protected abstract void onMessage(S state, JsonNode event);

    /** The socket of {@code call} closed; {@code state} is null when it closed before {@link #open} returned. */
    protected abstract void onClosed(CallSession call, S state, CloseStatus status);

    /**
     * The end reason of a socket's close: {@code socket_lost} without a close frame, {@code failed} when an end closed
     * it for an error (ours included), else {@code completed}.
     */
    protected static String closeReason(CloseStatus status) {
        if (status.getCode() == CloseStatus.NO_CLOSE_FRAME.getCode()) {
            return "socket_lost";
        }
        return status.getCode() == CloseStatus.NORMAL.getCode() || status.getCode() == CloseStatus.GOING_AWAY.getCode()
                ? "completed" : "failed";
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws Exception {
        if (!(session.getAttributes().get(CallSocketAttributes.CALL) instanceof CallSession call)) {
            // the handshake claims the session; without one the socket did not come through it
            session.close(CloseStatus.POLICY_VIOLATION);
            return;
        }
        // a WebSocketSession takes one send at a time; the call's threads (agent, speech, timers) all send
        S state = open(call, new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MS, BUFFER_SIZE_LIMIT));
        session.getAttributes().put(OPENED, new Opened<>(call, state));
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        Opened<S> opened = opened(session);
        if (opened == null) {
            return;
        }
        try {
            if (onText(opened.state(), message.getPayload())) {
                return;
            }
        } catch (RuntimeException e) {
            LOG.warn("Call {}: could not handle a {} message", opened.call().callId(), peer, e);
            return;
        }
        JsonNode event;
        try {
            event = PayloadJson.tree(message.getPayload());
        } catch (RuntimeException e) {
            // dropped, not thrown: Spring would close the socket, and with it the call
            LOG.warn("Call {}: {} sent something that is not JSON", opened.call().callId(), peer);
            return;
        }
        try {
            onMessage(opened.state(), event);
        } catch (RuntimeException e) {
            // one bad message is logged, not thrown: Spring would close the socket with 1011, and end the call
            LOG.warn("Call {}: could not handle a {} message {}", opened.call().callId(), peer,
                    event.path("event").asText(event.path("type").asText("")), e);
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Opened<S> opened = opened(session);
        if (opened != null) {
            onClosed(opened.call(), opened.state(), status);
        } else if (session.getAttributes().get(CallSocketAttributes.CALL) instanceof CallSession call) {
            onClosed(call, null, status);
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        // only logged: the close that follows ends the call
        LOG.debug("The {} socket {} failed: {}", peer, session.getId(), exception.toString());
    }

    @SuppressWarnings("unchecked")
    private Opened<S> opened(WebSocketSession session) {
        // only this class puts OPENED, always with the S of the handler the socket belongs to
        return (Opened<S>) session.getAttributes().get(OPENED);
    }

    private record Opened<T>(CallSession call, T state) {
    }
}
