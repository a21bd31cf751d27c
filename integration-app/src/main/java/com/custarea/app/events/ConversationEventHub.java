package com.custarea.app.events;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.custarea.schemas.ConversationEvent;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Fans conversation events out to the dashboards connected to this instance, each tenant's only to its own, and
 * keeps each tenant's recent events so a stream that reconnects with Last-Event-ID after a short gap gets what it
 * missed (an older id gets a "reset" event: refetch through the REST API).
 */
@Component
public class ConversationEventHub {

    /** The event that tells a client it missed more than the replay window holds. */
    public static final String RESET = "reset";

    private final AtomicLong sequence = new AtomicLong();
    private final Map<UUID, TenantBuffer> recent = new ConcurrentHashMap<>();
    private final Map<UUID, Set<SseEmitter>> subscribers = new ConcurrentHashMap<>();
    private final List<Consumer<ConversationEvent>> listeners = new CopyOnWriteArrayList<>();
    private final int replayEvents;
    private final Duration replayWindow;
    private final Duration streamTimeout;

    public ConversationEventHub(@Value("${custarea.events.replay-events:500}") int replayEvents,
                                @Value("${custarea.events.replay-window:5m}") Duration replayWindow,
                                @Value("${custarea.events.stream-timeout:30m}") Duration streamTimeout) {
        this.replayEvents = replayEvents;
        this.replayWindow = replayWindow;
        this.streamTimeout = streamTimeout;
    }

    /** Hands every event to {@code listener} too (the widget's streams, which filter by visitor). */
    public void addListener(Consumer<ConversationEvent> listener) {
        listeners.add(listener);
    }

    /**
     * Delivers an event to its tenant's streams and the listeners, and keeps it for replay; a typing signal goes to
     * the listeners only (the widget's streams): it is stale in seconds, and would push real events out of replay.
     */
    public void publish(ConversationEvent event, String json) {
        listeners.forEach(listener -> listener.accept(event));
        if (event.type().isTyping()) {
            return;
        }
        TenantBuffer buffer = recent.computeIfAbsent(event.tenantId(), tenant -> new TenantBuffer());
        Buffered buffered;
        synchronized (buffer) {
            buffered = new Buffered(sequence.incrementAndGet(), event.type().wireName(), json, Instant.now());
            buffer.events.addLast(buffered);
            while (buffer.events.size() > replayEvents) {
                buffer.evictedThrough = buffer.events.removeFirst().sequence();
            }
        }
        for (SseEmitter emitter : subscribers.getOrDefault(event.tenantId(), Set.of())) {
            send(event.tenantId(), emitter, buffered);
        }
    }

    /** A stream of {@code tenantId}'s events, starting after {@code lastEventId} when given. */
    public SseEmitter subscribe(UUID tenantId, Long lastEventId) {
        SseEmitter emitter = new SseEmitter(streamTimeout.toMillis());
        Set<SseEmitter> tenantSubscribers = subscribers.computeIfAbsent(tenantId,
                tenant -> new CopyOnWriteArraySet<>());
        emitter.onCompletion(() -> tenantSubscribers.remove(emitter));
        emitter.onTimeout(() -> tenantSubscribers.remove(emitter));
        emitter.onError(failure -> tenantSubscribers.remove(emitter));
        try {
            // the first write commits the response, so the client sees the stream open at once
            emitter.send(SseEmitter.event().comment("connected"));
        } catch (IOException e) {
            emitter.completeWithError(e);
            return emitter;
        }
        if (lastEventId != null) {
            replay(tenantId, emitter, lastEventId);
        }
        tenantSubscribers.add(emitter);
        return emitter;
    }

    /** Keeps idle connections open through proxies, and notices closed ones. */
    @Scheduled(fixedDelayString = "${custarea.events.heartbeat:15s}")
    void heartbeat() {
        subscribers.forEach((tenantId, emitters) -> emitters.forEach(emitter -> {
            try {
                emitter.send(SseEmitter.event().comment("heartbeat"));
            } catch (IOException | IllegalStateException e) {
                emitters.remove(emitter);
            }
        }));
        Instant horizon = Instant.now().minus(replayWindow);
        recent.values().forEach(buffer -> {
            synchronized (buffer) {
                while (!buffer.events.isEmpty() && buffer.events.peekFirst().at().isBefore(horizon)) {
                    buffer.evictedThrough = buffer.events.removeFirst().sequence();
                }
            }
        });
    }

    private void replay(UUID tenantId, SseEmitter emitter, long lastEventId) {
        List<Buffered> missed;
        boolean complete;
        TenantBuffer buffer = recent.computeIfAbsent(tenantId, tenant -> new TenantBuffer());
        synchronized (buffer) {
            missed = buffer.events.stream().filter(event -> event.sequence() > lastEventId).toList();
            // nothing after the client's last event was evicted, and the id is one this instance gave out
            complete = lastEventId >= buffer.evictedThrough && lastEventId <= sequence.get();
        }
        if (!complete) {
            try {
                emitter.send(SseEmitter.event().name(RESET).data("{}", MediaType.APPLICATION_JSON));
            } catch (IOException e) {
                emitter.completeWithError(e);
            }
            return;
        }
        missed.forEach(event -> send(tenantId, emitter, event));
    }

    private void send(UUID tenantId, SseEmitter emitter, Buffered event) {
        try {
            emitter.send(SseEmitter.event().id(Long.toString(event.sequence())).name(event.type())
                    .data(event.json(), MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            subscribers.getOrDefault(tenantId, Set.of()).remove(emitter);
        }
    }

    private record Buffered(long sequence, String type, String json, Instant at) {
    }

    /** One tenant's recent events, and the last sequence number it had to forget. */
    private static final class TenantBuffer {
        final Deque<Buffered> events = new ArrayDeque<>();
        long evictedThrough;
    }
}
