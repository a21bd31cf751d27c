package com.custarea.app.voice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.calls.VoiceAnswers;
import com.custarea.routes.calls.VoiceLineAccounts;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.twilio.TwilioAccount;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * /api/internal/voice: the voice bridge's view of this application, behind the bridge's own token
 * ({@link VoiceBridgeToken}): a number's voice line (tenant, mode, the Twilio account that signs its calls, the
 * agent's instructions), and the AI agent's answer to what a caller said.
 * Not part of the public API: it carries the line's auth token.
 */
@RestController
public class VoiceBridgeController {

    public static final String BASE = "/api/internal/voice";

    private final ChannelRegistry channels;
    private final AiAgents agents;
    private final VoiceAnswers answers;
    private final VoiceLineAccounts accounts;
    private final VoiceBridgeToken token;

    public VoiceBridgeController(ChannelRegistry channels, AiAgents agents, VoiceAnswers answers,
                                 VoiceLineAccounts accounts, VoiceBridgeToken token) {
        this.channels = channels;
        this.agents = agents;
        this.answers = answers;
        this.accounts = accounts;
        this.token = token;
    }

    @GetMapping(path = BASE + "/lines", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> line(@RequestHeader(value = "Authorization", required = false) String authorization,
                                       @RequestParam("number") String number) {
        return answer(authorization, () -> {
            ChannelSettings line = channels.findByAddress(Channel.VOICE, TwilioAccount.PHONE_NUMBER, number)
                    .orElseThrow(() -> ProblemException.notFound("No voice line has the number " + number));
            Optional<TwilioAccount> account = accounts.of(line);
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("tenantId", line.tenantId());
            view.put("channelId", line.id());
            view.put("phoneNumber", number);
            view.put("mode", line.setting("mode").orElse("convrelay"));
            view.put("accountSid", account.map(TwilioAccount::accountSid).orElse(null));
            view.put("authToken", account.map(TwilioAccount::authToken).orElse(null));
            view.put("instructions", agents.forChannel(line.tenantId(), line.id()).map(AiAgents.AiAgent::instructions)
                    .orElse(null));
            view.put("greeting", line.setting("greeting").orElse(null));
            view.put("language", line.setting("language").orElse("en-US"));
            view.put("voice", line.setting("voice").orElse(null));
            view.put("transferNumber", line.setting("transferNumber").orElse(null));
            return view;
        });
    }

    @PostMapping(path = BASE + "/answer", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> answer(@RequestHeader(value = "Authorization", required = false)
                                         String authorization, @RequestBody String body) {
        return answer(authorization, () -> {
            JsonNode request = PayloadJson.tree(body);
            String utterance = request.path("utterance").asText("");
            if (utterance.isBlank() || utterance.length() > 5000) {
                throw ProblemException.badRequest("utterance must be 1 to 5000 characters", List.of());
            }
            VoiceAnswers.VoiceAnswer answer = answers.answer(uuid(request, "tenantId"), uuid(request, "channelId"),
                    uuid(request, "callId"), request.path("callSid").asText(), request.path("customerNumber")
                            .asText(), utterance);
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("text", answer.text());
            view.put("handoff", answer.handoff());
            view.put("handoffReason", answer.handoffReason());
            return view;
        });
    }

    private ResponseEntity<String> answer(String authorization, Supplier<Object> work) {
        token.require(authorization);
        return ResponseEntity.ok(PayloadJson.write(work.get()));
    }

    private static UUID uuid(JsonNode request, String field) {
        try {
            return UUID.fromString(request.path(field).asText());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(field + " must be a UUID", List.of());
        }
    }
}
