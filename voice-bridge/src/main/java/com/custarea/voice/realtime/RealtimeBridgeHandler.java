package com.custarea.voice.realtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallEventPublisher;
import com.custarea.voice.calls.CallSession;
import com.custarea.voice.calls.CallSessions;
import com.custarea.voice.lines.VoiceLine;
import com.custarea.voice.ws.CallSocketHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The realtime mode: a call's Twilio Media Stream bridged to the OpenAI Realtime API. The caller's μ-law goes to the
 * model as it comes (no resampling: the session's audio is {@code audio/pcmu} both ways) and the model's μ-law goes
 * back to Twilio the same way, each piece followed by a mark, so the bridge knows from the echoed marks how much of
 * the assistant's item the caller has heard. The model's server-side voice activity detection takes the turns; when
 * the caller talks over the bot, Twilio's queued audio is cleared and the assistant's item truncated where the caller
 * stopped hearing it. Transcripts (the caller's from the input transcription, the agent's from the output audio
 * transcript) and tool calls go to calls.events. The session is the tenant's agent's: its phone instructions and
 * the tools it was given, each run by integration-app for the call ({@link RealtimeAgent}) off the model socket's
 * thread, plus the bridge's own {@code end_call}; a line whose agent is off (or missing, or over its daily budget)
 * gets no model and goes straight to the team; each response's tokens count in the tenant's daily AI budget. The
 * model can hand the call to a human ({@code handoff_to_human}) or end it ({@code end_call}): it says its goodbye,
 * and once Twilio has played it the bridge closes the stream.
 */
@Component
public class RealtimeBridgeHandler extends CallSocketHandler<RealtimeBridgeHandler.Bridge> {

    private static final Logger LOG = LoggerFactory.getLogger(RealtimeBridgeHandler.class);
    /** μ-law at 8 kHz: one byte a sample, 8 bytes a millisecond. */
    private static final int BYTES_PER_MS = 8;
    static final String DEFAULT_URL = "wss://api.openai.com/v1/realtime?model=gpt-realtime";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final String HANDOFF_TOOL = "handoff_to_human";
    static final String END_TOOL = "end_call";
    /** The Realtime API's refusal of a response.create while a response is still going. */
    static final String ACTIVE_RESPONSE_ERROR = "conversation_already_has_active_response";
    /** The caller's audio kept while the agent's session is asked for: 5 s of 20 ms frames. */
    private static final int MAX_PENDING_FRAMES = 250;
    private static final Set<String> OPENAI_VOICES = Set.of("alloy", "ash", "ballad", "coral", "echo", "sage",
            "shimmer", "verse", "marin", "cedar");
    static final String END_CALL_RULE = "When the conversation is over and the caller has said goodbye, call "
            + END_TOOL + ".";

    private final CallSessions callSessions;
    private final CallEventPublisher events;
    private final RealtimeAgent agent;
    private final URI realtimeUri;
    private final String apiKey;
    private final String defaultVoice;
    private final String transcriptionModel;
    private final Duration goodbyeTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "realtime-timers");
        thread.setDaemon(true);
        return thread;
    });

    public RealtimeBridgeHandler(CallSessions callSessions, CallEventPublisher events, RealtimeAgent agent,
                                 @Value("${custarea.voice.openai.realtime-url:" + DEFAULT_URL + "}") String realtimeUrl,
                                 @Value("${custarea.voice.openai.api-key:${OPENAI_API_KEY:}}") String apiKey,
                                 @Value("${custarea.voice.openai.voice:marin}") String defaultVoice,
                                 @Value("${custarea.voice.openai.transcription-model:gpt-4o-mini-transcribe}")
                                 String transcriptionModel,
                                 @Value("${custarea.voice.openai.goodbye-timeout:20s}") Duration goodbyeTimeout) {
        super("Twilio");
        this.callSessions = callSessions;
        this.events = events;
        this.agent = agent;
        this.realtimeUri = URI.create(realtimeUrl);
        this.apiKey = apiKey;
        this.defaultVoice = defaultVoice;
        this.transcriptionModel = transcriptionModel;
        this.goodbyeTimeout = goodbyeTimeout;
    }

    @Override
    protected Bridge open(CallSession call, WebSocketSession twilio) {
        return new Bridge(call, twilio);
    }

    @Override
    protected boolean onText(Bridge bridge, String message) {
        // the caller's 50 frames a second are the hot path: read without a JSON tree
        AudioFrames.TwilioMedia media = AudioFrames.twilioMedia(message);
        if (media == null) {
            return false;
        }
        bridge.callerAudio(media.payload(), media.track());
        return true;
    }

    @Override
    protected void onMessage(Bridge bridge, JsonNode event) {
        switch (event.path("event").asText()) {
            case "connected" -> LOG.debug("Call {}: media stream connected", bridge.call.callId());
            case "start" -> bridge.start(event);
            case "media" -> bridge.callerAudio(event.path("media").path("payload").asText(null),
                    event.path("media").path("track").asText("inbound"));
            case "mark" -> bridge.played(event.path("mark").path("name").asText(""));
            case "stop" -> bridge.end("completed", null);
            default -> LOG.debug("Call {}: ignored the Twilio event {}", bridge.call.callId(),
                    event.path("event").asText());
        }
    }

    @Override
    protected void onClosed(CallSession call, Bridge bridge, CloseStatus status) {
        String reason = closeReason(status);
        if (bridge != null) {
            bridge.end(reason, null);
        } else {
            callSessions.end(call, reason);
        }
    }

    @PreDestroy
    void stop() {
        timers.shutdownNow();
    }

    /**
     * The session.update that sets the call's model up: the agent's instructions and tools (and the bridge's
     * end_call), the line's voice and language, μ-law both ways, server VAD.
     */
    ObjectNode sessionUpdate(VoiceLine line, RealtimeAgent.Setup setup) {
        ObjectNode update = PayloadJson.mapper().createObjectNode().put("type", "session.update");
        ObjectNode session = update.putObject("session").put("type", "realtime");
        session.putArray("output_modalities").add("audio");
        String instructions = setup.instructions() == null ? "" : setup.instructions().strip();
        session.put("instructions", instructions.isEmpty() ? END_CALL_RULE : instructions + "\n\n" + END_CALL_RULE);
        ObjectNode audio = session.putObject("audio");
        ObjectNode input = audio.putObject("input");
        input.putObject("format").put("type", "audio/pcmu");
        ObjectNode transcription = input.putObject("transcription").put("model", transcriptionModel);
        String language = language(line.language());
        if (language != null) {
            transcription.put("language", language);
        }
        input.putObject("turn_detection").put("type", "server_vad").put("create_response", true)
                .put("interrupt_response", true);
        ObjectNode output = audio.putObject("output");
        output.putObject("format").put("type", "audio/pcmu");
        output.put("voice", voice(line.voice()));
        ArrayNode tools = session.putArray("tools");
        for (JsonNode tool : setup.tools() == null ? JsonNodeFactory.instance.arrayNode() : setup.tools()) {
            String name = tool.path("name").asText("");
            if (name.isEmpty() || END_TOOL.equals(name)) {
                continue;
            }
            ObjectNode function = tools.addObject().put("type", "function").put("name", name)
                    .put("description", tool.path("description").asText(""));
            function.set("parameters", tool.path("parameters").isObject() ? tool.get("parameters").deepCopy()
                    : JsonNodeFactory.instance.objectNode().put("type", "object"));
        }
        ObjectNode end = tools.addObject().put("type", "function").put("name", END_TOOL)
                .put("description", "Hang up: the conversation is over and the caller has said goodbye.");
        end.putObject("parameters").put("type", "object").putObject("properties");
        session.put("tool_choice", "auto");
        return update;
    }

    private String voice(String lineVoice) {
        if (lineVoice != null && OPENAI_VOICES.contains(lineVoice.toLowerCase(Locale.ROOT))) {
            return lineVoice.toLowerCase(Locale.ROOT);
        }
        return defaultVoice;
    }

    /** The ISO-639-1 code of a BCP-47 tag (en-US → en), as the transcription takes it. */
    private static String language(String tag) {
        if (tag == null || tag.isBlank()) {
            return null;
        }
        String code = tag.strip().split("[-_]")[0].toLowerCase(Locale.ROOT);
        return code.length() == 2 ? code : null;
    }

    /** The decoded length of a base64 text (no line breaks). */
    static int decodedLength(String base64) {
        int length = base64.length();
        int padding = 0;
        if (length > 0 && base64.charAt(length - 1) == '=') {
            padding++;
            if (length > 1 && base64.charAt(length - 2) == '=') {
                padding++;
            }
        }
        return length / 4 * 3 - padding;
    }

    private static ObjectNode event(String type) {
        return PayloadJson.mapper().createObjectNode().put("type", type);
    }

    /**
     * One call: its Twilio stream, its model session, and what of the model's audio the caller has heard
     * (package-private: it is the handler's type argument).
     */
    final class Bridge implements OpenAiRealtimeClient.Listener {

        private final CallSession call;
        private final WebSocketSession twilio;
        private final AtomicBoolean started = new AtomicBoolean();
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile String streamSid;
        private volatile OpenAiRealtimeClient openai;
        /** The caller's audio that came while the agent's session was asked for (guarded by this). */
        private List<String> pendingAudio = new ArrayList<>();

        // what of the model's audio went to Twilio and what Twilio played (guarded by this)
        private String playingItem;
        private long sentBytes;
        private long playedMs;
        private String truncatedItem;
        private long markSequence;
        private final Map<String, Long> marks = new HashMap<>();

        // the tools (guarded by this): a response with tool calls is answered once it is done and every output sent
        private boolean toolCallsInResponse;
        private int outputsPending;
        private boolean toolResponseDone;
        // the model takes one response at a time: ours waits for the end of one it started itself (server VAD)
        private boolean responseActive;
        private boolean createAfterResponse;
        private String endReason;
        private boolean goodbyeRequested;
        private String endMark;
        private ScheduledFuture<?> endTimer;

        Bridge(CallSession call, WebSocketSession twilio) {
            this.call = call;
            this.twilio = twilio;
        }

        void start(JsonNode event) {
            streamSid = event.path("start").path("streamSid").asText(event.path("streamSid").asText(null));
            if (ended.get() || !started.compareAndSet(false, true)) {
                return;
            }
            if (apiKey == null || apiKey.isBlank()) {
                LOG.error("Call {}: no OpenAI API key (custarea.voice.openai.api-key, OPENAI_API_KEY), the realtime "
                        + "mode cannot answer", call.callId());
                end("failed", CloseStatus.SERVER_ERROR);
                return;
            }
            agent.setup(call).whenComplete((setup, error) -> {
                try {
                    openModel(setup, error);
                } catch (RuntimeException e) {
                    // on the HTTP client's thread nobody else would hear of it, and the caller would wait in silence
                    LOG.error("Call {}: the model session could not be opened", call.callId(), e);
                    end("failed", CloseStatus.SERVER_ERROR);
                }
            });
        }

        /**
         * Opens the model's session as the agent's setup says, and sends it the caller's audio that came meanwhile;
         * a line whose agent is off, or whose agent cannot be asked, goes to the team (the hand-off TwiML).
         */
        private void openModel(RealtimeAgent.Setup setup, Throwable error) {
            if (ended.get()) {
                return;
            }
            if (error != null || !setup.on()) {
                if (error != null) {
                    LOG.warn("Call {}: the agent's session could not be loaded, the call goes to the team: {}",
                            call.callId(), error.toString());
                } else {
                    LOG.info("Call {}: {}, the call goes to the team", call.callId(), setup.offReason());
                }
                end("handoff", CloseStatus.NORMAL);
                return;
            }
            ObjectNode update = sessionUpdate(call.line(), setup);
            OpenAiRealtimeClient client = OpenAiRealtimeClient.connect(http, realtimeUri, apiKey, CONNECT_TIMEOUT,
                    this);
            synchronized (this) {
                client.send(update);
                String greeting = call.line().greeting();
                if (greeting != null && !greeting.isBlank()) {
                    ObjectNode create = event("response.create");
                    create.putObject("response").put("instructions", "Greet the caller by saying exactly this: "
                            + greeting.strip());
                    client.send(create);
                }
                for (String payload : pendingAudio) {
                    client.send(AudioFrames.append(payload));
                }
                pendingAudio = null;
                openai = client;
            }
            if (ended.get()) {
                client.close();
            }
        }

        void callerAudio(String payload, String track) {
            if (payload == null || !"inbound".equals(track)) {
                return;
            }
            OpenAiRealtimeClient client = openai;
            if (client == null) {
                synchronized (this) {
                    client = openai;
                    if (client == null) {
                        if (pendingAudio != null && pendingAudio.size() < MAX_PENDING_FRAMES) {
                            pendingAudio.add(payload);
                        }
                        return;
                    }
                }
            }
            client.send(AudioFrames.append(payload));
        }

        @Override
        public boolean onText(String message) {
            // the model's audio is the other hot path
            AudioFrames.ModelAudio audio = AudioFrames.modelAudio(message);
            if (audio == null) {
                return false;
            }
            if (!ended.get()) {
                modelAudio(audio.itemId(), audio.delta());
            }
            return true;
        }

        @Override
        public void onEvent(JsonNode event) {
            if (ended.get()) {
                return;
            }
            switch (event.path("type").asText()) {
                case "response.output_audio.delta", "response.audio.delta" ->
                        modelAudio(event.path("item_id").asText(""), event.path("delta").asText(""));
                case "input_audio_buffer.speech_started" -> bargeIn();
                case "conversation.item.input_audio_transcription.completed" ->
                        events.transcript(call, CallEvent.CALLER, event.path("transcript").asText(""));
                case "response.output_audio_transcript.done", "response.audio_transcript.done" ->
                        events.transcript(call, CallEvent.AGENT, event.path("transcript").asText(""));
                case "response.function_call_arguments.done" -> functionCall(event.path("name").asText(""),
                        event.path("call_id").asText(""), event.path("arguments").asText("{}"));
                case "response.created" -> responseCreated();
                case "response.done" -> {
                    long tokens = event.path("response").path("usage").path("total_tokens").asLong(0);
                    if (tokens > 0) {
                        agent.recordUsage(call, tokens);
                    }
                    responseDone();
                }
                case "error" -> modelError(event.path("error"));
                case "session.created", "session.updated" -> LOG.debug("Call {}: {}", call.callId(),
                        event.path("type").asText());
                default -> {
                    // the other events (deltas of transcripts, …) need nothing
                }
            }
        }

        @Override
        public void onFailure(Throwable error) {
            LOG.warn("Call {}: the OpenAI Realtime socket failed: {}", call.callId(), error.toString());
            end("failed", CloseStatus.SERVER_ERROR);
        }

        /** The model's audio to Twilio, and a mark after it that Twilio echoes once it has played. */
        private void modelAudio(String itemId, String delta) {
            String sid = streamSid;
            if (delta.isEmpty() || sid == null) {
                return;
            }
            String mark;
            synchronized (this) {
                if (itemId.equals(truncatedItem)) {
                    return; // already cut: what was still on its way
                }
                if (!itemId.equals(playingItem)) {
                    playingItem = itemId;
                    sentBytes = 0;
                    playedMs = 0;
                    marks.clear();
                }
                sentBytes += decodedLength(delta);
                mark = "audio-" + (++markSequence);
                marks.put(mark, sentBytes / BYTES_PER_MS);
            }
            toTwilio(AudioFrames.twilioMedia(sid, delta));
            toTwilio(AudioFrames.twilioMark(sid, mark));
        }

        /** Twilio played up to {@code name}. */
        void played(String name) {
            boolean endNow;
            synchronized (this) {
                endNow = name.equals(endMark);
                Long ms = marks.remove(name);
                if (ms != null) {
                    playedMs = Math.max(playedMs, ms);
                }
            }
            if (endNow) {
                endAfterGoodbye();
            }
        }

        /** The caller talks over the bot: flush what Twilio still has queued, cut the item where it was heard. */
        private void bargeIn() {
            String item;
            long audioEndMs;
            synchronized (this) {
                item = playingItem;
                long sentMs = sentBytes / BYTES_PER_MS;
                if (item == null || playedMs >= sentMs) {
                    return; // nothing is playing
                }
                audioEndMs = playedMs;
                truncatedItem = item;
                playingItem = null;
                sentBytes = 0;
                playedMs = 0;
                marks.clear();
            }
            String sid = streamSid;
            if (sid != null) {
                toTwilio(PayloadJson.write(PayloadJson.mapper().createObjectNode().put("event", "clear")
                        .put("streamSid", sid)));
            }
            OpenAiRealtimeClient client = openai;
            if (client != null) {
                client.send(event("conversation.item.truncate").put("item_id", item).put("content_index", 0)
                        .put("audio_end_ms", audioEndMs));
            }
            LOG.debug("Call {}: barge-in, {} cut at {} ms", call.callId(), item, audioEndMs);
        }

        /**
         * The model called a tool: hand-off and end_call are the bridge's (the call ends after the goodbye), every
         * other tool runs in integration-app, off this socket's thread so that audio and barge-in go on meanwhile.
         */
        private void functionCall(String name, String callId, String arguments) {
            events.toolCall(call, name, arguments);
            LOG.info("Call {}: the model called {}({})", call.callId(), name, arguments);
            ObjectNode local = PayloadJson.mapper().createObjectNode();
            synchronized (this) {
                toolCallsInResponse = true;
                outputsPending++;
                switch (name) {
                    case HANDOFF_TOOL -> {
                        endReason = "handoff";
                        local.put("status", "transferring").put("instruction", "Tell the caller in one short "
                                + "sentence that you are transferring them to a colleague.");
                    }
                    case END_TOOL -> {
                        if (endReason == null) {
                            endReason = "completed";
                        }
                        local.put("status", "ending").put("instruction", "Say a short goodbye.");
                    }
                    default -> local = null;
                }
            }
            if (local != null) {
                toolOutput(callId, PayloadJson.write(local));
                return;
            }
            agent.callTool(call, callId, name, arguments).whenComplete((result, error) -> toolOutput(callId,
                    error == null ? result : HttpRealtimeAgent.UNAVAILABLE));
        }

        /** A tool's output to the model; the last one of a finished response asks the model to go on. */
        private void toolOutput(String callId, String output) {
            OpenAiRealtimeClient client = openai;
            if (ended.get() || client == null) {
                return;
            }
            ObjectNode item = event("conversation.item.create");
            item.putObject("item").put("type", "function_call_output").put("call_id", callId).put("output", output);
            client.send(item);
            boolean create = false;
            synchronized (this) {
                outputsPending--;
                if (outputsPending == 0 && toolResponseDone) {
                    toolResponseDone = false;
                    create = askForResponse();
                }
            }
            if (create) {
                client.send(event("response.create"));
            }
        }

        /**
         * Whether to send a response.create now (guarded by this): not while a response goes on (the model refuses
         * it), then at that response's end instead.
         */
        private boolean askForResponse() {
            if (responseActive) {
                createAfterResponse = true;
                return false;
            }
            goodbyeRequested = endReason != null;
            return true;
        }

        private synchronized void responseCreated() {
            responseActive = true;
        }

        /**
         * An error event of the model's; a response.create refused because the model had started a response we had
         * not heard of yet goes again when that response is done (its response.done follows the error).
         */
        private void modelError(JsonNode error) {
            String code = error.path("code").asText("");
            if (ACTIVE_RESPONSE_ERROR.equals(code)) {
                synchronized (this) {
                    createAfterResponse = true;
                    goodbyeRequested = false;
                }
                LOG.debug("Call {}: the model was still answering, the response follows its end", call.callId());
                return;
            }
            LOG.warn("Call {}: OpenAI Realtime error {}: {}", call.callId(), code, error.path("message").asText(""));
        }

        /**
         * A response finished: after tool calls the model answers their output (a new response, once every output
         * went); after the goodbye of a handoff or hang-up, a mark tells when Twilio has played it, and the call
         * ends then.
         */
        private void responseDone() {
            boolean create = false;
            String mark = null;
            synchronized (this) {
                responseActive = false;
                if (toolCallsInResponse) {
                    toolCallsInResponse = false;
                    if (outputsPending == 0) {
                        create = askForResponse();
                    } else {
                        toolResponseDone = true;
                    }
                } else if (goodbyeRequested && endMark == null) {
                    goodbyeRequested = false;
                    mark = "end-" + (++markSequence);
                    endMark = mark;
                    endTimer = timers.schedule(this::endAfterGoodbye, goodbyeTimeout.toMillis(),
                            TimeUnit.MILLISECONDS);
                }
                if (createAfterResponse) {
                    createAfterResponse = false;
                    create = create || askForResponse();
                }
            }
            OpenAiRealtimeClient client = openai;
            if (create && client != null) {
                client.send(event("response.create"));
            }
            String sid = streamSid;
            if (mark != null) {
                if (sid != null && twilio.isOpen()) {
                    toTwilio(AudioFrames.twilioMark(sid, mark));
                } else {
                    endAfterGoodbye();
                }
            }
        }

        private void endAfterGoodbye() {
            String reason;
            synchronized (this) {
                reason = endReason == null ? "completed" : endReason;
            }
            end(reason, CloseStatus.NORMAL);
        }

        /** Ends the call once: closes the model's socket, publishes the end, and closes Twilio's when asked. */
        void end(String reason, CloseStatus closeTwilio) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            synchronized (this) {
                if (endTimer != null) {
                    endTimer.cancel(false);
                }
            }
            OpenAiRealtimeClient client = openai;
            if (client != null) {
                client.close();
            }
            try {
                callSessions.end(call, reason);
            } finally {
                if (closeTwilio != null && twilio.isOpen()) {
                    try {
                        twilio.close(closeTwilio);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("Call {}: closing the Twilio socket failed: {}", call.callId(), e.toString());
                    }
                }
            }
        }

        private void toTwilio(String message) {
            if (!twilio.isOpen()) {
                return;
            }
            try {
                twilio.sendMessage(new TextMessage(message));
            } catch (IOException | RuntimeException e) {
                LOG.debug("Call {}: sending to Twilio failed: {}", call.callId(), e.toString());
            }
        }
    }
}
