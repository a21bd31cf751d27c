package com.custarea.app.voice;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.calls.VoiceLineAccounts;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.twilio.TwilioAccount;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * /api/internal/voice: the voice bridge's view of this application, behind the bridge's own token
 * ({@link VoiceBridgeToken}): a number's voice line (tenant, mode, the Twilio account that signs its calls, the
 * agent's instructions); the agent's answers are {@link VoiceAnswerController}'s.
 * Not part of the public API: it carries the line's auth token.
 */
@RestController
public class VoiceBridgeController {

    public static final String BASE = "/api/internal/voice";

    private final ChannelRegistry channels;
    private final AiAgents agents;
    private final VoiceLineAccounts accounts;
    private final VoiceBridgeToken token;

    public VoiceBridgeController(ChannelRegistry channels, AiAgents agents,
                                 VoiceLineAccounts accounts, VoiceBridgeToken token) {
        this.channels = channels;
        this.agents = agents;
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

    private ResponseEntity<String> answer(String authorization, Supplier<Object> work) {
        token.require(authorization);
        return ResponseEntity.ok(PayloadJson.write(work.get()));
    }
}
