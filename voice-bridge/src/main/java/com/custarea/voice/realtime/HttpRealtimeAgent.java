package com.custarea.voice.realtime;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.agent.InternalVoiceApi;
import com.custarea.voice.calls.CallSession;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The realtime mode's agent through integration-app's internal voice API ({@code /realtime-session}, {@code /tool}
 * and {@code /realtime-usage}), asked without blocking a thread.
 */
@Component
public class HttpRealtimeAgent implements RealtimeAgent {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRealtimeAgent.class);
    static final String UNAVAILABLE = "{\"error\":\"the tool could not be run right now\"}";

    private final InternalVoiceApi api;
    private final Duration sessionTimeout;
    private final Duration timeout;

    public HttpRealtimeAgent(InternalVoiceApi api,
                             @Value("${custarea.voice.session-timeout:3s}") Duration sessionTimeout,
                             @Value("${custarea.voice.agent-timeout:20s}") Duration timeout) {
        this.api = api;
        this.sessionTimeout = sessionTimeout;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<Setup> setup(CallSession call) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", call.tenantId());
        body.put("channelId", call.line().channelId());
        return post("/api/internal/voice/realtime-session", body, sessionTimeout).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("integration-app answered " + response.statusCode()
                        + " for the agent of call " + call.callId() + ": " + response.body());
            }
            JsonNode setup = PayloadJson.tree(response.body());
            return new Setup(setup.path("on").asBoolean(false), text(setup, "offReason"),
                    text(setup, "instructions"), setup.path("tools"));
        });
    }

    @Override
    public CompletableFuture<String> callTool(CallSession call, String toolCallId, String name, String arguments) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", call.tenantId());
        body.put("channelId", call.line().channelId());
        body.put("callId", call.callId());
        body.put("callSid", call.callSid());
        body.put("customerNumber", call.customerNumber());
        body.put("toolCallId", toolCallId);
        body.put("name", name);
        body.put("arguments", arguments);
        return post("/api/internal/voice/tool", body, timeout).handle((response, error) -> {
            if (error != null) {
                LOG.warn("The tool {} of call {} could not be run: {}", name, call.callId(), error.toString());
                return UNAVAILABLE;
            }
            if (response.statusCode() != 200) {
                LOG.warn("integration-app answered {} to the tool {} of call {}: {}", response.statusCode(), name,
                        call.callId(), response.body());
                return UNAVAILABLE;
            }
            return response.body();
        });
    }

    @Override
    public void recordUsage(CallSession call, long tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", call.tenantId());
        body.put("channelId", call.line().channelId());
        body.put("tokens", tokens);
        post("/api/internal/voice/realtime-usage", body, timeout).whenComplete((response, error) -> {
            if (error != null || response.statusCode() != 204) {
                LOG.warn("The model usage of call {} ({} tokens) was not counted: {}", call.callId(), tokens,
                        error != null ? error.toString() : response.statusCode() + " " + response.body());
            }
        });
    }

    private CompletableFuture<HttpResponse<String>> post(String path, Map<String, Object> body, Duration within) {
        return api.send(api.post(path, body, within).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
