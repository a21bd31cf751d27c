package com.custarea.app.widget;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import com.custarea.app.events.ConversationEventHub;
import com.custarea.routes.widget.WidgetConversations;
import com.custarea.routes.widget.WidgetVisitors;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live updates for the widgets connected to this instance: when a message of a visitor's conversation is created or
 * changes status, the visitor's stream gets its ids (never its text: the widget reads it from its history, which
 * leaves notes out). A stream that drops loses nothing: the widget reloads its history when it reconnects.
 */
@Component
public class WidgetEventStreams {

    /** The event name a widget listens for. */
    public static final String MESSAGE_EVENT = "message";

    private final WidgetConversations conversations;
    private final long timeoutMillis;
    private final Map<UUID, Set<VisitorStream>> byChannel = new ConcurrentHashMap<>();

    public WidgetEventStreams(ConversationEventHub hub, WidgetConversations conversations,
                              @Value("${custarea.events.stream-timeout:30m}") java.time.Duration timeout) {
        this.conversations = conversations;
        this.timeoutMillis = timeout.toMillis();
        hub.addListener(this::deliver);
    }

    /** A stream of {@code visitor}'s message events. */
    public SseEmitter subscribe(WidgetVisitors.Visitor visitor) {
        SseEmitter emitter = new SseEmitter(timeoutMillis);
        VisitorStream stream = new VisitorStream(visitor, emitter, ConcurrentHashMap.newKeySet(),
                ConcurrentHashMap.newKeySet());
        Set<VisitorStream> streams = byChannel.computeIfAbsent(visitor.channelId(),
                channel -> new CopyOnWriteArraySet<>());
        emitter.onCompletion(() -> streams.remove(stream));
        emitter.onTimeout(() -> streams.remove(stream));
        emitter.onError(failure -> streams.remove(stream));
        try {
            emitter.send(SseEmitter.event().comment("connected"));
        } catch (IOException e) {
            emitter.completeWithError(e);
            return emitter;
        }
        streams.add(stream);
        return emitter;
    }

    private void deliver(ConversationEvent event) {
        if (event.channelId() == null || event.contactId() == null || event.messageId() == null
                || event.type() != ConversationEventType.MESSAGE_CREATED
                && event.type() != ConversationEventType.MESSAGE_STATUS_CHANGED) {
            return;
        }
        for (VisitorStream stream : byChannel.getOrDefault(event.channelId(), Set.of())) {
            if (stream.owns(event.contactId(), conversations)) {
                try {
                    stream.emitter().send(SseEmitter.event().name(MESSAGE_EVENT).data(Map.of("messageId",
                            event.messageId().toString(), "conversationId", event.conversationId().toString(),
                            "type", event.type().wireName()), MediaType.APPLICATION_JSON));
                } catch (IOException | IllegalStateException e) {
                    byChannel.getOrDefault(event.channelId(), Set.of()).remove(stream);
                }
            }
        }
    }

    /** Keeps idle widget streams open through proxies, and notices closed ones. */
    @Scheduled(fixedDelayString = "${custarea.events.heartbeat:15s}")
    void heartbeat() {
        byChannel.values().forEach(streams -> streams.forEach(stream -> {
            try {
                stream.emitter().send(SseEmitter.event().comment("heartbeat"));
            } catch (IOException | IllegalStateException e) {
                streams.remove(stream);
            }
        }));
    }

    /** One open stream, with what it learnt about which contacts are its visitor's. */
    private record VisitorStream(WidgetVisitors.Visitor visitor, SseEmitter emitter, Set<UUID> mine,
                                 Set<UUID> notMine) {

        boolean owns(UUID contactId, WidgetConversations conversations) {
            if (mine.contains(contactId)) {
                return true;
            }
            if (notMine.contains(contactId)) {
                return false;
            }
            boolean owned = conversations.isVisitorsContact(visitor, contactId);
            (owned ? mine : notMine).add(contactId);
            return owned;
        }
    }
}
