package com.custarea.voice.convrelay;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.voice.agent.AgentClient;
import com.custarea.voice.agent.AgentClient.AgentReply;
import com.custarea.voice.calls.CallEventPublisher;
import com.custarea.voice.calls.CallSession;
import com.custarea.voice.calls.CallSessions;
import com.custarea.voice.ws.CallSocketHandler;
import com.fasterxml.jackson.databind.JsonNode;
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
 * The convrelay mode: Twilio ConversationRelay does the speech, the bridge exchanges text. Each final prompt of the
 * caller goes to the AI agent (a blocking call, made on a worker thread so the socket keeps reading, and one at a
 * time per call so the replies keep their order), and the agent's reply goes back as {@code text} tokens while it
 * streams in, whole words each, {@code last} on the final one. When the caller interrupts, the rest of the reply is
 * not sent (it is still read, for its hand-off and tool calls). A reply that hands the call over, or the caller
 * pressing 0, ends the session with {@code end} and handoff data (the call goes back to its TwiML, e.g. to a human).
 * Transcripts and the agent's tool calls go to calls.events.
 */
@Component
public class ConversationRelayHandler extends CallSocketHandler<ConversationRelayHandler.Relay> {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationRelayHandler.class);
    /** Splits after each run of whitespace: the tokens join back to the text exactly. */
    private static final Pattern WORDS = Pattern.compile("(?<=\\s)(?=\\S)");
    static final String SORRY = "Sorry, I am having trouble answering right now. Please try again in a moment.";

    private final CallSessions callSessions;
    private final CallEventPublisher events;
    private final AgentClient agent;
    private final ExecutorService workers;
    private volatile Duration tokenInterval;

    public ConversationRelayHandler(CallSessions callSessions, CallEventPublisher events, AgentClient agent,
                                    @Value("${custarea.voice.convrelay.token-interval:0ms}") Duration tokenInterval,
                                    @Value("${custarea.voice.convrelay.agent-threads:32}") int agentThreads) {
        super("ConversationRelay");
        this.callSessions = callSessions;
        this.events = events;
        this.agent = agent;
        this.tokenInterval = tokenInterval;
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(agentThreads, agentThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "convrelay-agent-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        this.workers = pool;
    }

    /**
     * The pause after each token of a reply (none by default: Twilio speaks as the tokens come); tests slow the
     * stream down to interrupt it.
     */
    void tokenInterval(Duration interval) {
        this.tokenInterval = interval;
    }

    @Override
    protected Relay open(CallSession call, WebSocketSession twilio) {
        return new Relay(call, twilio);
    }

    @Override
    protected void onMessage(Relay relay, JsonNode event) {
        switch (event.path("type").asText()) {
            case "setup" -> relay.setup(event);
            case "prompt" -> {
                if (event.path("last").asBoolean(true)) {
                    relay.prompt(event.path("voicePrompt").asText(""));
                }
            }
            case "interrupt" -> relay.interrupt(event.path("utteranceUntilInterrupt").asText(""),
                    event.path("durationUntilInterruptMs").asLong(0));
            case "dtmf" -> relay.dtmf(event.path("digit").asText(""));
            case "error" -> LOG.warn("Call {}: ConversationRelay error: {}", relay.call.callId(),
                    event.path("description").asText(""));
            default -> LOG.debug("Call {}: ignored the ConversationRelay message {}", relay.call.callId(),
                    event.path("type").asText());
        }
    }

    @Override
    protected void onClosed(CallSession call, Relay relay, CloseStatus status) {
        String reason = closeReason(status);
        if (relay != null) {
            relay.end(reason);
        } else {
            callSessions.end(call, reason);
        }
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    /** The text as tokens to stream: word by word, each with the whitespace after it. */
    static List<String> tokens(String text) {
        return List.of(WORDS.split(text));
    }

    /** One call's relay session (package-private: it is the handler's type argument). */
    final class Relay {

        private final CallSession call;
        private final WebSocketSession twilio;
        private final AtomicBoolean ended = new AtomicBoolean();
        /** The cancellation flag of the reply being prepared or streamed. */
        private final AtomicReference<AtomicBoolean> current = new AtomicReference<>(new AtomicBoolean());
        /** The last interrupt: the cancellation flag of the reply it cut, and what Twilio says the caller heard. */
        private volatile Interrupted interrupted;
        private final Object laneLock = new Object();
        /** The call's replies, one after the other. */
        private CompletableFuture<Void> lane = CompletableFuture.completedFuture(null);
        private volatile String relaySessionId;

        Relay(CallSession call, WebSocketSession twilio) {
            this.call = call;
            this.twilio = twilio;
        }

        void setup(JsonNode setup) {
            relaySessionId = setup.path("sessionId").asText(null);
            String callSid = setup.path("callSid").asText("");
            if (!callSid.equals(call.callSid())) {
                LOG.warn("Call {}: ConversationRelay set up for CallSid {}, the session is of {}", call.callId(),
                        callSid, call.callSid());
            }
            LOG.info("Call {}: ConversationRelay session {} set up ({} → {})", call.callId(), relaySessionId,
                    setup.path("from").asText(""), setup.path("to").asText(""));
            String greeting = call.line().greeting();
            if (greeting != null && !greeting.isBlank()) {
                AtomicBoolean cancelled = next();
                enqueue(() -> {
                    if (!cancelled.get() && !ended.get()) {
                        events.transcript(call, CallEvent.AGENT, greeting);
                        Tokens tokens = new Tokens(cancelled);
                        tokens.append(greeting.strip());
                        tokens.finish();
                    }
                });
            }
        }

        void prompt(String utterance) {
            if (utterance.isBlank() || ended.get()) {
                return;
            }
            AtomicBoolean cancelled = next(); // the caller spoke again: what was left of the last reply is stale
            events.transcript(call, CallEvent.CALLER, utterance);
            enqueue(() -> answer(utterance, cancelled));
        }

        void interrupt(String heard, long durationMs) {
            AtomicBoolean flag = current.get();
            flag.set(true);
            interrupted = new Interrupted(flag, heard);
            LOG.debug("Call {}: interrupted after {} ms of \"{}\"", call.callId(), durationMs, heard);
        }

        void dtmf(String digit) {
            if ("0".equals(digit)) {
                current.get().set(true);
                handoff("caller pressed 0");
            } else {
                LOG.debug("Call {}: the caller pressed {}", call.callId(), digit);
            }
        }

        /**
         * What the caller heard of a reply cut short: Twilio's account of it when the caller interrupted this reply,
         * else the tokens that went out.
         */
        private String heardOf(AtomicBoolean cancelled, Tokens tokens) {
            Interrupted at = interrupted;
            return at != null && at.flag() == cancelled && !at.heard().isBlank() ? at.heard().strip() : tokens.said();
        }

        /** Cancels the reply in progress and gives the next one its own flag. */
        private AtomicBoolean next() {
            AtomicBoolean flag = new AtomicBoolean();
            current.getAndSet(flag).set(true);
            return flag;
        }

        private void enqueue(Runnable task) {
            synchronized (laneLock) {
                lane = lane.thenRunAsync(task, workers).exceptionally(error -> {
                    LOG.error("Call {}: a reply failed", call.callId(), error);
                    return null;
                });
            }
        }

        private void answer(String utterance, AtomicBoolean cancelled) {
            if (ended.get()) {
                return;
            }
            Tokens tokens = new Tokens(cancelled);
            AgentReply reply;
            try {
                reply = agent.reply(call, utterance, tokens::append);
            } catch (RuntimeException e) {
                LOG.warn("Call {}: the agent did not answer: {}", call.callId(), e.toString());
                tokens.append(tokens.heard() ? "\n" + SORRY : SORRY);
                reply = new AgentReply(SORRY, false, null, List.of());
            }
            // what the tools did happened, even when the caller has hung up meanwhile
            for (AgentClient.ToolCall tool : reply.toolCalls()) {
                events.toolCall(call, tool.name(), tool.arguments());
            }
            if (ended.get()) {
                return;
            }
            // recorded before the last token: Twilio may send the caller's next prompt as soon as it has it
            if (tokens.heard()) {
                events.transcript(call, CallEvent.AGENT, cancelled.get() ? heardOf(cancelled, tokens) : reply.text());
            }
            tokens.finish();
            if (reply.handoff()) {
                handoff(reply.handoffReason() == null || reply.handoffReason().isBlank()
                        ? "the agent handed the call over" : reply.handoffReason());
            }
        }

        private record Interrupted(AtomicBoolean flag, String heard) {
        }

        /**
         * A reply's text as {@code text} tokens while it streams in: whole words, each with the whitespace after it;
         * the last word waits for the end, which sends it {@code last}. Nothing more is sent once the reply is
         * cancelled or the call ends.
         */
        private final class Tokens {

            private final AtomicBoolean cancelled;
            private final StringBuilder pending = new StringBuilder();
            private final StringBuilder said = new StringBuilder();
            private boolean sent;

            Tokens(AtomicBoolean cancelled) {
                this.cancelled = cancelled;
            }

            void append(String delta) {
                pending.append(delta);
                int end = lastWordStart();
                if (end > 0) {
                    for (String token : tokens(pending.substring(0, end))) {
                        send(token, false);
                    }
                    pending.delete(0, end);
                }
            }

            void finish() {
                // append keeps the last word back, so a reply that said anything ends with a word sent last
                if (!pending.toString().isBlank()) {
                    send(pending.toString().stripTrailing(), true);
                }
                pending.setLength(0);
            }

            /** The tokens that went out, joined. */
            String said() {
                return said.toString().strip();
            }

            /** Whether the caller hears any of the reply: tokens went out, or will at the end. */
            boolean heard() {
                return sent || !cancelled.get() && !ended.get() && !pending.toString().isBlank();
            }

            /** Where the last word of the text so far starts (0: no whole word before it). */
            private int lastWordStart() {
                int end = pending.length();
                while (end > 0 && Character.isWhitespace(pending.charAt(end - 1))) {
                    end--;
                }
                while (end > 0 && !Character.isWhitespace(pending.charAt(end - 1))) {
                    end--;
                }
                return end;
            }

            private void send(String token, boolean last) {
                if (cancelled.get() || ended.get()) {
                    return;
                }
                Relay.this.send(PayloadJson.mapper().createObjectNode().put("type", "text").put("token", token)
                        .put("last", last));
                said.append(token);
                sent = true;
                Duration interval = tokenInterval;
                if (!last && !interval.isZero() && !interval.isNegative()) {
                    try {
                        Thread.sleep(interval.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        cancelled.set(true);
                    }
                }
            }
        }

        /** Hands the call over: {@code end} with why and which call, then the call's end as a handoff. */
        private void handoff(String reason) {
            if (ended.get()) {
                return;
            }
            ObjectNode data = PayloadJson.mapper().createObjectNode().put("reason", reason)
                    .put("callId", call.callId().toString());
            send(PayloadJson.mapper().createObjectNode().put("type", "end").put("handoffData",
                    PayloadJson.write(data)));
            LOG.info("Call {}: handed over ({})", call.callId(), reason);
            end("handoff");
        }

        void end(String reason) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            current.get().set(true);
            callSessions.end(call, reason);
        }

        private void send(ObjectNode message) {
            if (!twilio.isOpen()) {
                return;
            }
            try {
                twilio.sendMessage(new TextMessage(PayloadJson.write(message)));
            } catch (IOException | RuntimeException e) {
                LOG.debug("Call {}: sending to ConversationRelay failed: {}", call.callId(), e.toString());
            }
        }
    }
}
