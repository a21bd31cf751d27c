package com.custarea.voice.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallSession;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The tenant's AI agent through integration-app's internal voice API: the same agent, knowledge base and tools as
 * the text channels, in the call's conversation. When integration-app cannot answer (a restart, a timeout), the
 * caller hears an apology and may say it again, rather than silence or a hung-up call.
 */
@Component
public class HttpAgentClient implements AgentClient {

    private static final Logger LOG = LoggerFactory.getLogger(HttpAgentClient.class);
    static final String APOLOGY = "Sorry, I did not catch that. Could you say it again?";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String appBaseUrl;
    private final String token;
    private final Duration timeout;

    public HttpAgentClient(@Value("${custarea.voice.app-base-url}") String appBaseUrl,
                           @Value("${custarea.voice.bridge-token}") String token,
                           @Value("${custarea.voice.agent-timeout:20s}") Duration timeout) {
        this.appBaseUrl = appBaseUrl.replaceAll("/+$", "");
        this.token = token;
        this.timeout = timeout;
    }

    @Override
    public AgentReply reply(CallSession call, String utterance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", call.tenantId());
        body.put("channelId", call.line().channelId());
        body.put("callId", call.callId());
        body.put("callSid", call.callSid());
        body.put("customerNumber", call.customerNumber());
        body.put("utterance", utterance);
        HttpRequest request = HttpRequest.newBuilder(URI.create(appBaseUrl + "/api/internal/voice/answer"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(timeout).POST(HttpRequest.BodyPublishers.ofString(PayloadJson.write(body))).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.warn("integration-app answered {} for call {}: {}", response.statusCode(), call.callId(),
                        response.body());
                return new AgentReply(APOLOGY, false, null);
            }
            JsonNode answer = PayloadJson.tree(response.body());
            return new AgentReply(answer.path("text").asText(""), answer.path("handoff").asBoolean(false),
                    answer.hasNonNull("handoffReason") ? answer.get("handoffReason").asText() : null);
        } catch (IOException e) {
            LOG.warn("The agent of call {} could not be reached", call.callId(), e);
            return new AgentReply(APOLOGY, false, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AgentReply(APOLOGY, false, null);
        }
    }
}
