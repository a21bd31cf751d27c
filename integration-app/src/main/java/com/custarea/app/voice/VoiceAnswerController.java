package com.custarea.app.voice;

import static com.custarea.app.voice.VoiceRequests.json;
import static com.custarea.app.voice.VoiceRequests.uuid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.custarea.routes.calls.VoiceAnswers;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * /api/internal/voice/answer, behind the bridge's token: the AI agent's answer to what a caller said, streamed as
 * NDJSON when asked ({@code {"delta":…}} lines, then a {@code {"done":true,…}} line), else one JSON object.
 */
@RestController
public class VoiceAnswerController {

    static final String PATH = VoiceBridgeController.BASE + "/answer";
    private static final Logger LOG = LoggerFactory.getLogger(VoiceAnswerController.class);
    private static final int MAX_UTTERANCE = 5000;
    /** Beyond the model's time: the knowledge search and tools between the rounds. */
    private static final Duration STREAM_SLACK = Duration.ofSeconds(30);

    private final VoiceBridgeToken token;
    private final VoiceAnswers answers;
    private final AsyncTaskExecutor executor;
    private final Duration streamTimeout;

    /**
     * The stream's timeout is the agent's longest legitimate answer: every round of tool calls (and the last
     * answer) a model request, each tried {@code retries + 1} times, each attempt up to the model's timeout; the
     * MVC default async timeout (30 s) would cut a slow answer short.
     */
    public VoiceAnswerController(VoiceBridgeToken token, VoiceAnswers answers,
                                 @Qualifier("applicationTaskExecutor") AsyncTaskExecutor executor,
                                 @Value("${custarea.ai.openai.timeout:30s}") Duration modelTimeout,
                                 @Value("${custarea.ai.openai.max-tool-rounds:4}") int toolRounds,
                                 @Value("${custarea.ai.openai.max-retries:2}") int retries) {
        this.token = token;
        this.answers = answers;
        this.executor = executor;
        this.streamTimeout = modelTimeout.multipliedBy((long) (toolRounds + 1) * (retries + 1))
                .plus(STREAM_SLACK);
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_NDJSON_VALUE})
    public ResponseEntity<?> answer(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
            @RequestBody String body) {
        token.require(authorization);
        VoiceAnswers.Turn turn = turn(body);
        if (!asksForLines(accept)) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(PayloadJson.write(view(
                    turn.answer(text -> {
                    }))));
        }
        // a bad request was a problem above; from here the status is 200 and a failure is told in the last line
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(streamTimeout.toMillis());
        executor.execute(() -> stream(turn, emitter));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_NDJSON).body(emitter);
    }

    /** Streams the turn's answer; a bridge that hung up stops hearing it, but the answer runs to its end. */
    private static void stream(VoiceAnswers.Turn turn, ResponseBodyEmitter emitter) {
        Lines lines = new Lines(emitter);
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
        lines.complete();
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
        JsonNode request = json(body);
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

    /**
     * NDJSON lines to the bridge, each flushed at once; after a failed write (the bridge is gone, or the stream timed
     * out) none follow.
     */
    private static final class Lines {

        private final ResponseBodyEmitter emitter;
        private boolean gone;

        Lines(ResponseBodyEmitter emitter) {
            this.emitter = emitter;
        }

        void write(Map<String, Object> line) {
            if (gone) {
                return;
            }
            try {
                emitter.send((PayloadJson.write(line) + "\n").getBytes(StandardCharsets.UTF_8),
                        MediaType.APPLICATION_NDJSON);
            } catch (IOException | IllegalStateException e) {
                gone = true;
                LOG.debug("The voice bridge stopped reading an answer: {}", e.toString());
            }
        }

        void complete() {
            if (!gone) {
                emitter.complete();
            }
        }
    }
}
