package com.custarea.voice.calls;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.custarea.voice.lines.VoiceLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The calls on this bridge: a session per call from its TwiML answer to its hang-up, with an unguessable, single-use
 * id that its media WebSocket must present, a per-tenant limit of calls at once, and clean-up of sessions whose
 * socket never came or is gone. Ending a call publishes its end once, whatever ended it first.
 */
@Component
public class CallSessions {

    private static final Logger LOG = LoggerFactory.getLogger(CallSessions.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, CallSession> bySessionId = new ConcurrentHashMap<>();
    private final Map<String, CallSession> byCallSid = new ConcurrentHashMap<>();
    private final CallEventPublisher events;
    private final int maxCallsPerTenant;
    private final Duration connectWithin;
    private final Clock clock;

    @Autowired
    public CallSessions(CallEventPublisher events,
                        @Value("${custarea.voice.max-calls-per-tenant:10}") int maxCallsPerTenant,
                        @Value("${custarea.voice.connect-within:30s}") Duration connectWithin) {
        this(events, maxCallsPerTenant, connectWithin, Clock.systemUTC());
    }

    CallSessions(CallEventPublisher events, int maxCallsPerTenant, Duration connectWithin, Clock clock) {
        this.events = events;
        this.maxCallsPerTenant = maxCallsPerTenant;
        this.connectWithin = connectWithin;
        this.clock = clock;
    }

    /**
     * Opens the session of a call Twilio has just put through to us; the same CallSid again (Twilio retried its
     * webhook) gets the same session. Refused with {@link CallLimitException} when the tenant is at its limit.
     */
    public synchronized CallSession open(VoiceLine line, String callSid, String from, String to, String direction,
                                         CallMode mode) {
        CallSession existing = byCallSid.get(callSid);
        if (existing != null && !existing.isEnded()) {
            return existing;
        }
        long active = bySessionId.values().stream().filter(call -> call.tenantId().equals(line.tenantId())).count();
        if (active >= maxCallsPerTenant) {
            throw new CallLimitException("The tenant has " + active + " calls on the line, its limit");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        UUID callId = UUID.nameUUIDFromBytes(("call:" + callSid).getBytes(StandardCharsets.UTF_8));
        CallSession call = new CallSession(sessionId, callId, line, callSid, from, to, direction, mode,
                clock.instant());
        bySessionId.put(sessionId, call);
        byCallSid.put(callSid, call);
        events.started(call);
        return call;
    }

    /** The session {@code sessionId} names, if it is open and no socket has taken it yet. */
    public Optional<CallSession> pending(String sessionId) {
        return Optional.ofNullable(sessionId == null ? null : bySessionId.get(sessionId))
                .filter(call -> !call.isClaimed() && !call.isEnded());
    }

    /** Gives the session to the socket that presents it: once. */
    public Optional<CallSession> claim(String sessionId) {
        return pending(sessionId).filter(call -> call.claim(clock.instant()));
    }

    public Optional<CallSession> byCallSid(String callSid) {
        return Optional.ofNullable(callSid == null ? null : byCallSid.get(callSid));
    }

    /** The calls on the line now. */
    public List<CallSession> active() {
        return List.copyOf(bySessionId.values());
    }

    /** Ends the call: forgets its session and publishes its end, once. */
    public void end(CallSession call, String reason) {
        bySessionId.remove(call.sessionId());
        byCallSid.remove(call.callSid(), call);
        if (call.end()) {
            Instant from = call.connectedAt() != null ? call.connectedAt() : call.createdAt();
            int seconds = (int) Math.max(0, Duration.between(from, clock.instant()).toSeconds());
            events.ended(call, seconds, reason);
            LOG.info("Call {} ({}) ended after {} s: {}", call.callId(), call.mode().wireName(), seconds, reason);
        }
    }

    /** Ends the calls whose media socket never connected in time (Twilio gave up, or the caller hung up first). */
    @Scheduled(fixedDelayString = "${custarea.voice.sweep-interval:5s}")
    public void sweep() {
        Instant deadline = clock.instant().minus(connectWithin);
        bySessionId.values().stream().filter(call -> !call.isClaimed() && call.createdAt().isBefore(deadline))
                .forEach(call -> end(call, "never_connected"));
    }
}
