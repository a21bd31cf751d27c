package com.custarea.voice.ws;

import java.util.Map;
import java.util.Optional;

import com.custarea.voice.calls.CallSession;
import com.custarea.voice.calls.CallSessions;
import com.custarea.voice.twiml.TwilioSignatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Lets a call's socket in only with Twilio's signature of the upgrade (over the public wss:// URL, with the line's
 * auth token) for a session that is open, not yet connected, and of the path's mode; the session is then taken,
 * so its id works once.
 */
public class TwilioHandshakeInterceptor implements HandshakeInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(TwilioHandshakeInterceptor.class);

    private final CallSessions sessions;
    private final TwilioSignatures signatures;

    public TwilioHandshakeInterceptor(CallSessions sessions, TwilioSignatures signatures) {
        this.sessions = sessions;
        this.signatures = signatures;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) {
        String path = request.getURI().getRawPath();
        String[] parts = path.split("/");
        // /phone-ws/{mode}/{sessionId}
        if (parts.length != 4) {
            return refuse(response, HttpStatus.NOT_FOUND, path, "not a call socket");
        }
        Optional<CallSession> pending = sessions.pending(parts[3]).filter(call -> call.mode().wireName()
                .equals(parts[2]));
        if (pending.isEmpty()) {
            return refuse(response, HttpStatus.NOT_FOUND, path, "no open session of that mode");
        }
        String query = request.getURI().getRawQuery();
        String url = signatures.publicUrl(path + (query == null ? "" : "?" + query), true);
        if (!signatures.valid(pending.get().line().authToken(), url, Map.of(),
                request.getHeaders().getFirst("X-Twilio-Signature"))) {
            return refuse(response, HttpStatus.FORBIDDEN, path, "bad or missing X-Twilio-Signature");
        }
        Optional<CallSession> claimed = sessions.claim(parts[3]);
        if (claimed.isEmpty()) {
            return refuse(response, HttpStatus.NOT_FOUND, path, "the session was taken by another socket");
        }
        attributes.put(CallSocketAttributes.CALL, claimed.get());
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
        // nothing: the handler owns the call from here
    }

    private static boolean refuse(ServerHttpResponse response, HttpStatus status, String path, String why) {
        LOG.warn("Refused the call socket {}: {}", path.replaceAll("/[^/]+$", "/…"), why);
        response.setStatusCode(status);
        return false;
    }
}
