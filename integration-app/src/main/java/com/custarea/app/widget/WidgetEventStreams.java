package com.custarea.app.widget;

import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;

import com.custarea.app.events.ConversationEventHub;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.widget.WidgetConversations;
import com.custarea.routes.widget.WidgetVisitors;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Live updates for the widgets connected to this instance: each visitor's stream of its message and typing events. */
@Component
public class WidgetEventStreams {

    /** The event name a widget listens for. */
    public static final String MESSAGE_EVENT = "message";
    /** The event name of the team's or the AI agent's typing, on or off. */
    public static final String TYPING_EVENT = "typing";
    /** How long a stream refused at its address's cap is told to wait: about how long a dead one goes unnoticed. */
    private static final Duration STREAM_RETRY = Duration.ofSeconds(30);

    private final WidgetConversations conversations;
    private final long timeoutMillis;
    private final int maxPerVisitor;
    private final int maxPerAddress;
    private final Map<UUID, Set<VisitorStream>> byTenant = new ConcurrentHashMap<>();
    private final Map<TenantAddress, Integer> openPerAddress = new HashMap<>();
    private final AtomicLong openings = new AtomicLong();

    public WidgetEventStreams(ConversationEventHub hub, WidgetConversations conversations,
                              @Value("${custarea.events.stream-timeout:30m}") Duration timeout,
                              @Value("${custarea.widget.streams-per-visitor:3}") int maxPerVisitor,
                              @Value("${custarea.widget.streams-per-address:50}") int maxPerAddress) {
        this.conversations = conversations;
        this.timeoutMillis = timeout.toMillis();
        this.maxPerVisitor = maxPerVisitor;
        this.maxPerAddress = maxPerAddress;
        hub.addListener(this::deliver);
    }

    /**
     * A stream of {@code visitor}'s message events, opened from {@code address}. It names (never with their text:
     * the widget reads it from its history, which leaves notes out) the visitor's own messages once they are stored,
     * and the team's and the agent's replies once the outbound.widget stage has sent them, so a reply reaches the
     * visitor through the widget's outbound stage like any channel's through its provider; a stream that drops
     * loses nothing, since the widget reloads its history when it reconnects. Over the per-visitor cap the visitor's
     * oldest stream is closed (a reconnect after a network drop comes before the dead stream is noticed); over the
     * cap of the tenant's streams from one address it is a 429 problem.
     */
    public SseEmitter subscribe(WidgetVisitors.Visitor visitor, String address) {
        SseEmitter emitter = new SseEmitter(timeoutMillis);
        VisitorStream stream = new VisitorStream(openings.incrementAndGet(), visitor,
                new TenantAddress(visitor.tenantId(), address), emitter, ConcurrentHashMap.newKeySet(),
                ConcurrentHashMap.newKeySet());
        List<VisitorStream> replaced = open(stream);
        replaced.forEach(old -> old.emitter().complete());
        emitter.onCompletion(() -> close(stream));
        emitter.onTimeout(() -> close(stream));
        emitter.onError(failure -> close(stream));
        try {
            emitter.send(SseEmitter.event().comment("connected"));
        } catch (IOException e) {
            close(stream);
            emitter.completeWithError(e);
        }
        return emitter;
    }

    /** Registers {@code stream}; the visitor's oldest streams it replaces (to be completed), or a 429 problem. */
    private synchronized List<VisitorStream> open(VisitorStream stream) {
        Set<VisitorStream> streams = byTenant.computeIfAbsent(stream.visitor().tenantId(),
                tenant -> new CopyOnWriteArraySet<>());
        List<VisitorStream> visitors = streams.stream()
                .filter(open -> open.visitor().id().equals(stream.visitor().id()))
                .sorted(Comparator.comparingLong(VisitorStream::sequence)).toList();
        List<VisitorStream> replaced = visitors.subList(0, Math.max(0, visitors.size() - maxPerVisitor + 1));
        long freedAtAddress = replaced.stream().filter(old -> old.address().equals(stream.address())).count();
        if (openPerAddress.getOrDefault(stream.address(), 0) - freedAtAddress >= maxPerAddress) {
            throw new ProblemException(429, "too-many-streams", "Too many open streams",
                    "This address already has as many open widget streams as it may; close one or retry later",
                    List.of(), STREAM_RETRY);
        }
        replaced.forEach(this::close);
        streams.add(stream);
        openPerAddress.merge(stream.address(), 1, Integer::sum);
        return replaced;
    }

    private synchronized void close(VisitorStream stream) {
        Set<VisitorStream> streams = byTenant.getOrDefault(stream.visitor().tenantId(), Set.of());
        if (streams.remove(stream)) {
            openPerAddress.computeIfPresent(stream.address(), (address, open) -> open > 1 ? open - 1 : null);
        }
    }

    private void deliver(ConversationEvent event) {
        if (event.channel() != Channel.WIDGET || event.conversationId() == null) {
            return;
        }
        SseEmitter.SseEventBuilder announcement;
        if (event.type().isTyping()) {
            // whether someone types, never who: a visitor has no business knowing the team's names from this
            announcement = SseEmitter.event().name(TYPING_EVENT).data(Map.of("conversationId",
                    event.conversationId().toString(), "typing",
                    event.type() == ConversationEventType.CONVERSATION_TYPING_ON), MediaType.APPLICATION_JSON);
        } else if (event.messageId() != null && announces(event)) {
            announcement = SseEmitter.event().name(MESSAGE_EVENT).data(Map.of("messageId",
                    event.messageId().toString(), "conversationId", event.conversationId().toString(),
                    "type", event.type().wireName()), MediaType.APPLICATION_JSON);
        } else {
            return;
        }
        for (VisitorStream stream : byTenant.getOrDefault(event.tenantId(), Set.of())) {
            if (stream.reads(event.conversationId(), conversations)) {
                try {
                    stream.emitter().send(announcement);
                } catch (IOException | IllegalStateException e) {
                    close(stream);
                }
            }
        }
    }

    /**
     * The events a visitor hears of: its own message stored, and any message's status change (the widget's
     * outbound stage reporting a reply sent). A reply being stored is not one: it reaches the visitor once sent.
     */
    private static boolean announces(ConversationEvent event) {
        return event.type() == ConversationEventType.MESSAGE_CREATED && "inbound".equals(event.direction())
                || event.type() == ConversationEventType.MESSAGE_STATUS_CHANGED;
    }

    /** Keeps idle widget streams open through proxies, and notices closed ones. */
    @Scheduled(fixedDelayString = "${custarea.events.heartbeat:15s}")
    void heartbeat() {
        byTenant.values().forEach(streams -> streams.forEach(stream -> {
            try {
                stream.emitter().send(SseEmitter.event().comment("heartbeat"));
            } catch (IOException | IllegalStateException e) {
                close(stream);
            }
        }));
    }

    /** A client address of one tenant's visitors: the unit of the per-address cap. */
    private record TenantAddress(UUID tenantId, String address) {
    }

    /** One open stream, numbered in the order of opening, with what it learnt about which conversations it reads. */
    private record VisitorStream(long sequence, WidgetVisitors.Visitor visitor, TenantAddress address,
                                 SseEmitter emitter, Set<UUID> mine, Set<UUID> notMine) {

        boolean reads(UUID conversationId, WidgetConversations conversations) {
            if (mine.contains(conversationId)) {
                return true;
            }
            if (notMine.contains(conversationId)) {
                return false;
            }
            boolean readable = conversations.isVisitorsConversation(visitor, conversationId);
            (readable ? mine : notMine).add(conversationId);
            return readable;
        }
    }
}
