package com.custarea.app.widget;

import java.io.IOException;

import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadJson;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * GET /api/widget/events?key=…&amp;token=…: Server-Sent Events of the visitor's messages (EventSource cannot set
 * headers, so the visitor token comes as a parameter); the same checks as every widget call.
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
                             HttpServletResponse response) throws IOException {
        try {
            return streams.subscribe(api.visitor(token, WidgetApi.pageOrigin(origin, fetchSite, host)));
        } catch (ProblemException refused) {
            // answered here, as a problem: the stream never opens
            response.setStatus(refused.status());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter().write(PayloadJson.write(refused.toProblem("/api/widget/events")));
            return null;
        }
    }
}
