package com.custarea.voice.calls;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.custarea.voice.lines.VoiceLine;

/**
 * One call the bridge carries: its unguessable, single-use session id (the WebSocket's path), the call's id and
 * Twilio's CallSid, the line, who calls whom, and the order of the events it publishes.
 *
 * @param direction inbound or outbound
 */
public final class CallSession {

    private final String sessionId;
    private final UUID callId;
    private final VoiceLine line;
    private final String callSid;
    private final String from;
    private final String to;
    private final String direction;
    private final CallMode mode;
    private final Instant createdAt;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicInteger sequence = new AtomicInteger();
    private volatile Instant connectedAt;

    public CallSession(String sessionId, UUID callId, VoiceLine line, String callSid, String from, String to,
                       String direction, CallMode mode, Instant createdAt) {
        this.sessionId = sessionId;
        this.callId = callId;
        this.line = line;
        this.callSid = callSid;
        this.from = from;
        this.to = to;
        this.direction = direction;
        this.mode = mode;
        this.createdAt = createdAt;
    }

    public String sessionId() {
        return sessionId;
    }

    public UUID callId() {
        return callId;
    }

    public VoiceLine line() {
        return line;
    }

    public UUID tenantId() {
        return line.tenantId();
    }

    public String callSid() {
        return callSid;
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    public String direction() {
        return direction;
    }

    public CallMode mode() {
        return mode;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** When the media socket connected; null before. */
    public Instant connectedAt() {
        return connectedAt;
    }

    /** The customer's number: the caller of an inbound call, the callee of an outbound one. */
    public String customerNumber() {
        return "outbound".equals(direction) ? to : from;
    }

    /** Takes the session for its one WebSocket; false when another socket already took it. */
    boolean claim(Instant now) {
        if (claimed.compareAndSet(false, true)) {
            connectedAt = now;
            return true;
        }
        return false;
    }

    boolean isClaimed() {
        return claimed.get();
    }

    /** Marks the call ended; true only the first time. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    public boolean isEnded() {
        return ended.get();
    }

    /** The next number in this call's event order. */
    int nextSequence() {
        return sequence.getAndIncrement();
    }
}
