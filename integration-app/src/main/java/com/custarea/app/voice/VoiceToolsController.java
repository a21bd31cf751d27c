package com.custarea.app.voice;

import static com.custarea.app.voice.VoiceRequests.json;
import static com.custarea.app.voice.VoiceRequests.text;
import static com.custarea.app.voice.VoiceRequests.uuid;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.custarea.routes.calls.RealtimeVoiceAgent;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The realtime mode's agent on /api/internal/voice, behind the bridge's token: {@code /realtime-session} gives a new
 * call's model session (the agent's phone instructions and enabled tools, or why the call goes to the team),
 * {@code /tool} runs one of the model's tool calls in the call's conversation and answers the tool's result, and
 * {@code /realtime-usage} counts a model response's tokens in the tenant's daily budget.
 */
@RestController
public class VoiceToolsController {

    static final String SESSION_PATH = VoiceBridgeController.BASE + "/realtime-session";
    static final String TOOL_PATH = VoiceBridgeController.BASE + "/tool";
    static final String USAGE_PATH = VoiceBridgeController.BASE + "/realtime-usage";
    private static final int MAX_ARGUMENTS = 20_000;
    /** More than any one response of a realtime model can use (its context is far smaller). */
    private static final long MAX_TOKENS = 10_000_000;

    private final VoiceBridgeToken token;
    private final RealtimeVoiceAgent agent;

    public VoiceToolsController(VoiceBridgeToken token, RealtimeVoiceAgent agent) {
        this.token = token;
        this.agent = agent;
    }

    @PostMapping(path = SESSION_PATH, consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> session(@RequestHeader(value = "Authorization", required = false)
                                          String authorization, @RequestBody String body) {
        token.require(authorization);
        JsonNode request = json(body);
        RealtimeVoiceAgent.Setup setup = agent.setup(uuid(request, "tenantId"), uuid(request, "channelId"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("on", setup.on());
        view.put("offReason", setup.offReason());
        view.put("instructions", setup.instructions());
        view.put("tools", setup.tools());
        return ResponseEntity.ok(PayloadJson.write(view));
    }

    @PostMapping(path = TOOL_PATH, consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> tool(@RequestHeader(value = "Authorization", required = false)
                                       String authorization, @RequestBody String body) {
        token.require(authorization);
        JsonNode request = json(body);
        String name = text(request, "name", 100);
        String toolCallId = text(request, "toolCallId", 200);
        String callSid = text(request, "callSid", 64);
        JsonNode arguments = request.path("arguments");
        if (!arguments.isTextual() || arguments.asText().length() > MAX_ARGUMENTS) {
            throw ProblemException.badRequest("arguments must be the model's argument JSON as text, at most "
                    + MAX_ARGUMENTS + " characters", List.of());
        }
        String result = agent.call(new RealtimeVoiceAgent.ToolCall(uuid(request, "tenantId"),
                uuid(request, "channelId"), uuid(request, "callId"), callSid,
                request.path("customerNumber").asText(""), toolCallId, name, arguments.asText()));
        return ResponseEntity.ok(result);
    }

    @PostMapping(path = USAGE_PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Void> usage(@RequestHeader(value = "Authorization", required = false) String authorization,
                                      @RequestBody String body) {
        token.require(authorization);
        JsonNode request = json(body);
        JsonNode tokens = request.path("tokens");
        if (!tokens.canConvertToLong() || !tokens.isIntegralNumber() || tokens.asLong() < 0
                || tokens.asLong() > MAX_TOKENS) {
            throw ProblemException.badRequest("tokens must be a whole number from 0 to " + MAX_TOKENS, List.of());
        }
        agent.recordUsage(uuid(request, "tenantId"), uuid(request, "channelId"), tokens.asLong());
        return ResponseEntity.noContent().build();
    }
}
