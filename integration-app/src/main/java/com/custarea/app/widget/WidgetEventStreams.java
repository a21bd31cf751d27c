package com.custarea.app.widget;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

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

/**
 * Live updates for the widgets connected to this instance. A visitor's stream names (never with their text: the
 * widget reads it from its history, which leaves notes out) the visitor's own messages once they are stored, and the
 * team's and the agent's replies once the outbound.widget stage has sent them (its delivery report's status change),
 * so a reply reaches the visitor through the widget's outbound stage like any channel's through its provider. A
 * stream that drops loses nothing: the widget reloads its history when it reconnects. Open streams are capped per
 * visitor and per client address.
 */
@Component
public class WidgetEventStreams {

    /** The event name a widget listens for. */
    public static final String MESSAGE_EVENT = "message";
    /** How long a refused stream is told to wait: about as long as an abandoned one takes to be noticed. */
    private static final Duration STREAM_RETRY = Duration.ofSeconds(30);

    private final WidgetConversations conversations;
    private final long timeoutMillis;
    private final int maxPerVisitor;
    private final int maxPerAddress;
    private final Map<UUID, Set<VisitorStream>> byTenant = new ConcurrentHashMap<>();
    private final Map<String, Integer> openPerAddress = new HashMap<>();

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

    /** A stream of {@code visitor}'s message events, opened from {@code address}; a 429 problem over a cap. */
    public SseEmitter subscribe(WidgetVisitors.Visitor visitor, String address) {
        SseEmitter emitter = new SseEmitter(timeoutMillis);
        VisitorStream stream = new VisitorStream(visitor, address, emitter, ConcurrentHashMap.newKeySet(),
                ConcurrentHashMap.newKeySet());
        open(stream);
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

    private synchronized void open(VisitorStream stream) {
        Set<VisitorStream> streams = byTenant.computeIfAbsent(stream.visitor().tenantId(),
                tenant -> new CopyOnWriteArraySet<>());
        long visitors = streams.stream().filter(open -> open.visitor().id().equals(stream.visitor().id())).count();
        if (visitors >= maxPerVisitor || openPerAddress.getOrDefault(stream.address(), 0) >= maxPerAddress) {
            throw new ProblemException(429, "too-many-streams", "Too many open streams",
                    "This visitor or address already has as many open widget streams as it may; close one or "
                    + "retry later", List.of(), STREAM_RETRY);
        }
        streams.add(stream);
        openPerAddress.merge(stream.address(), 1, Integer::sum);
    }

    private synchronized void close(VisitorStream stream) {
        Set<VisitorStream> streams = byTenant.getOrDefault(stream.visitor().tenantId(), Set.of());
        if (streams.remove(stream)) {
            openPerAddress.computeIfPresent(stream.address(), (address, open) -> open > 1 ? open - 1 : null);
        }
    }

    private void deliver(ConversationEvent event) {
        if (event.channel() != Channel.WIDGET || event.conversationId() == null || event.messageId() == null
                || !announces(event)) {
            return;
        }
        for (VisitorStream stream : byTenant.getOrDefault(event.tenantId(), Set.of())) {
            if (stream.reads(event.conversationId(), conversations)) {
                try {
                    stream.emitter().send(SseEmitter.event().name(MESSAGE_EVENT).data(Map.of("messageId",
                            event.messageId().toString(), "conversationId", event.conversationId().toString(),
                            "type", event.type().wireName()), MediaType.APPLICATION_JSON));
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

    /** One open stream, with what it learnt about which conversations its visitor may read. */
    private record VisitorStream(WidgetVisitors.Visitor visitor, String address, SseEmitter emitter, Set<UUID> mine,
                                 Set<UUID> notMine) {

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
