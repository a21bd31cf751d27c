package com.custarea.app.widget;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * GET /api/widget/events?key=…&amp;token=…: Server-Sent Events of the visitor's messages (EventSource cannot set
 * headers, so the visitor token comes as a parameter); the same checks as every widget call, and an opening counts
 * against the read limits (see {@link WidgetEventStreams#subscribe} for the caps on open streams).
 */
@RestController
public class WidgetEventStreamController {

    private final WidgetApi api;
    private final WidgetEventStreams streams;

    public WidgetEventStreamController(WidgetApi api, WidgetEventStreams streams) {
        this.api = api;
        this.streams = streams;
    }

    @GetMapping(path = "/api/widget/events")
    public SseEmitter stream(@RequestParam(value = "token", required = false) String token,
                             @RequestHeader(value = "Origin", required = false) String origin,
                             @RequestHeader(value = "Sec-Fetch-Site", required = false) String fetchSite,
                             @RequestHeader(value = "Host", required = false) String host,
                             HttpServletRequest request) {
        // a refused visitor gets a problem (ProblemExceptionAdvice): the stream never opens
        String address = request.getRemoteAddr();
        return streams.subscribe(api.reader(token, WidgetApi.pageOrigin(origin, fetchSite, host), address),
                address);
    }
}
