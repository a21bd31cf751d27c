package com.custarea.app.voice;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.calls.VoiceAnswers;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * /api/internal/voice/answer, behind the bridge's token: the AI agent's answer to what a caller said. Asked for
 * {@code application/x-ndjson}, the answer streams as it is produced ({@code {"delta":…}} lines, then one
 * {@code {"done":true,…}} line with the whole text said, the hand-off and the tools the agent called, or
 * {@code {"done":true,"error":…}} when the agent failed half-way); otherwise it is one JSON object. A bad request is
 * a problem before anything streams.
 */
@RestController
public class VoiceAnswerController {

    static final String PATH = VoiceBridgeController.BASE + "/answer";
    private static final Logger LOG = LoggerFactory.getLogger(VoiceAnswerController.class);
    private static final int MAX_UTTERANCE = 5000;

    private final VoiceBridgeToken token;
    private final VoiceAnswers answers;

    public VoiceAnswerController(VoiceBridgeToken token, VoiceAnswers answers) {
        this.token = token;
        this.answers = answers;
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_NDJSON_VALUE})
    public ResponseEntity<StreamingResponseBody> answer(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
            @RequestBody String body) {
        token.require(authorization);
        VoiceAnswers.Turn turn = turn(body);
        if (!asksForLines(accept)) {
            byte[] whole = PayloadJson.write(view(turn.answer(text -> {
            }))).getBytes(StandardCharsets.UTF_8);
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out -> out.write(whole));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_NDJSON).body(out -> stream(turn, out));
    }

    /** Streams the turn's answer; a bridge that hung up stops hearing it, but the answer runs to its end. */
    private static void stream(VoiceAnswers.Turn turn, OutputStream out) {
        Lines lines = new Lines(out);
        Map<String, Object> last;
        try {
            last = view(turn.answer(text -> lines.write(Map.of("delta", text))));
        } catch (RuntimeException e) {
            // the status is sent with the first line: a failure after it can only be told in the last
            LOG.error("The agent failed while answering a caller", e);
            last = new LinkedHashMap<>();
            last.put("error", "the agent could not answer");
        }
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("done", true);
        done.putAll(last);
        lines.write(done);
    }

    private static Map<String, Object> view(VoiceAnswers.VoiceAnswer answer) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("text", answer.text());
        view.put("handoff", answer.handoff());
        view.put("handoffReason", answer.handoffReason());
        view.put("toolCalls", answer.toolCalls());
        return view;
    }

    private VoiceAnswers.Turn turn(String body) {
        JsonNode request = PayloadJson.tree(body);
        String utterance = request.path("utterance").asText("");
        if (utterance.isBlank() || utterance.length() > MAX_UTTERANCE) {
            throw ProblemException.badRequest("utterance must be 1 to " + MAX_UTTERANCE + " characters", List.of());
        }
        return answers.turn(uuid(request, "tenantId"), uuid(request, "channelId"), uuid(request, "callId"),
                request.path("callSid").asText(), request.path("customerNumber").asText(), utterance);
    }

    /** Whether the client named NDJSON (a wildcard or no Accept header gets the one JSON object). */
    private static boolean asksForLines(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        try {
            return MediaType.parseMediaTypes(accept).stream().anyMatch(type -> !type.isWildcardType()
                    && !type.isWildcardSubtype() && MediaType.APPLICATION_NDJSON.isCompatibleWith(type));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static UUID uuid(JsonNode request, String field) {
        try {
            return UUID.fromString(request.path(field).asText());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(field + " must be a UUID", List.of());
        }
    }

    /** NDJSON lines to the bridge, each flushed at once; after a failed write (the bridge is gone) none follow. */
    private static final class Lines {

        private final OutputStream out;
        private boolean gone;

        Lines(OutputStream out) {
            this.out = out;
        }

        void write(Map<String, Object> line) {
            if (gone) {
                return;
            }
            try {
                out.write((PayloadJson.write(line) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                gone = true;
                LOG.debug("The voice bridge stopped reading an answer: {}", e.toString());
            }
        }
    }
}
