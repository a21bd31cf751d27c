package com.custarea.app.events;

import com.custarea.app.security.Callers;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * GET /api/events: Server-Sent Events of the caller's tenant's conversation events (Spring MVC, since the stream
 * must stay open). The bearer token may come as ?access_token= for EventSource, which cannot set headers.
 */
@RestController
public class EventStreamController {

    private final ConversationEventHub hub;

    public EventStreamController(ConversationEventHub hub) {
        this.hub = hub;
    }

    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream(@RequestHeader(value = "Last-Event-ID", required = false) String lastEventId) {
        Long after = null;
        if (lastEventId != null && lastEventId.matches("\\d{1,18}")) {
            after = Long.parseLong(lastEventId);
        }
        return hub.subscribe(Callers.current().tenantId(), after);
    }
}
