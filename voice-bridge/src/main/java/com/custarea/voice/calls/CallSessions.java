package com.custarea.voice.calls;

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

import com.custarea.schemas.CallEvent;
import com.custarea.voice.lines.VoiceLine;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
    // why recent calls ended: Twilio asks what to do next (the <Connect> action) after the socket has closed
    private final Cache<String, String> endReasons = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();
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
    public CallSession open(VoiceLine line, String callSid, String from, String to, String direction,
                            CallMode mode) {
        CallSession call;
        synchronized (this) {
            CallSession existing = byCallSid.get(callSid);
            if (existing != null && !existing.isEnded()) {
                return existing;
            }
            long active = bySessionId.values().stream().filter(open -> open.tenantId().equals(line.tenantId()))
                    .count();
            if (active >= maxCallsPerTenant) {
                throw new CallLimitException("The tenant has " + active + " calls on the line, its limit");
            }
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            call = new CallSession(sessionId, CallEvent.callIdOf(callSid), line, callSid, from, to, direction, mode,
                    clock.instant());
            bySessionId.put(sessionId, call);
            byCallSid.put(callSid, call);
        }
        // outside the lock: a slow broker must not hold every other tenant's calls; a call that cannot be
        // recorded is not answered (Twilio gets an error and plays its fallback)
        try {
            events.started(call);
        } catch (RuntimeException e) {
            bySessionId.remove(call.sessionId());
            byCallSid.remove(callSid, call);
            throw e;
        }
        return call;
    }

    /**
     * Records the end of a call that never reached this bridge's sockets (an outbound call nobody answered: busy,
     * no-answer, failed), so its row does not stay queued.
     */
    public void endUnconnected(VoiceLine line, String callSid, String from, String to, String direction,
                               String reason) {
        CallSession call = new CallSession("-", CallEvent.callIdOf(callSid), line, callSid, from, to, direction,
                line.mode(), clock.instant());
        call.end();
        events.ended(call, 0, reason);
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

    /** Why the call ended, for a while after it did. */
    public Optional<String> endReason(String callSid) {
        return Optional.ofNullable(callSid == null ? null : endReasons.getIfPresent(callSid));
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
            endReasons.put(call.callSid(), reason);
            Instant from = call.connectedAt() != null ? call.connectedAt() : call.createdAt();
            int seconds = (int) Math.max(0, Duration.between(from, clock.instant()).toSeconds());
            try {
                events.ended(call, seconds, reason);
            } catch (RuntimeException e) {
                // the call is over either way; its row shows it in progress until someone looks
                LOG.error("Call {} ended ({}), but its end could not be published", call.callId(), reason, e);
            }
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
