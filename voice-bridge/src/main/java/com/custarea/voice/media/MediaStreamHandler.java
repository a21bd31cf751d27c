package com.custarea.voice.media;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.voice.agent.AgentClient;
import com.custarea.voice.agent.AgentClient.AgentReply;
import com.custarea.voice.calls.CallEventPublisher;
import com.custarea.voice.calls.CallSession;
import com.custarea.voice.calls.CallSessions;
import com.custarea.voice.speech.SpeechEngine;
import com.custarea.voice.speech.SpeechEngine.Recognition;
import com.custarea.voice.speech.SpeechEngine.RecognitionListener;
import com.custarea.voice.speech.SpeechEngine.Synthesis;
import com.custarea.voice.speech.SpeechEngine.SynthesisListener;
import com.custarea.voice.ws.CallSocketHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The legacy mode: Twilio Media Streams in, our speech engine and the AI agent in the middle, synthesized μ-law frames
 * and marks back. The agent's reply is spoken sentence by sentence as it streams in; when the caller talks over the
 * bot (barge-in), what it was saying is cleared and the rest of the reply is not spoken.
 */
@Component
public class MediaStreamHandler extends CallSocketHandler<MediaStreamHandler.LegacyCall> {

    private static final Logger LOG = LoggerFactory.getLogger(MediaStreamHandler.class);
    /** A caller who speaks this long after the bot went quiet answers it rather than talking over it. */
    private static final long MID_REPLY_PAUSE_NANOS = 1_500_000_000L;

    private final CallSessions callSessions;
    private final CallEventPublisher events;
    private final AgentClient agent;
    private final SpeechEngine speech;
    // The agent is a blocking HTTP call: it runs here, never on the socket's thread, which must keep taking frames.
    private final ExecutorService agentCalls = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "legacy-agent-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });
    /** The open streams, for {@link #isBotTalking}. */
    private final Set<LegacyCall> streams = ConcurrentHashMap.newKeySet();

    public MediaStreamHandler(CallSessions callSessions, CallEventPublisher events, AgentClient agent,
                              SpeechEngine speech) {
        super("Twilio");
        this.callSessions = callSessions;
        this.events = events;
        this.agent = agent;
        this.speech = speech;
    }

    @Override
    protected LegacyCall open(CallSession call, WebSocketSession out) {
        LegacyCall stream = new LegacyCall(call, out);
        streams.add(stream);
        return stream;
    }

    @Override
    protected void onMessage(LegacyCall stream, JsonNode event) {
        try {
            switch (event.path("event").asText()) {
                case "connected" -> LOG.debug("Media stream of call {} connected", stream.call.callId());
                case "start" -> stream.start(event);
                case "media" -> stream.media(event.path("media"));
                case "mark" -> stream.markPlayed(event.path("mark").path("name").asText());
                case "dtmf" -> LOG.debug("Call {} pressed {}", stream.call.callId(),
                        event.path("dtmf").path("digit").asText());
                case "stop" -> stream.finish("completed", false);
                default -> LOG.debug("Ignored a media stream event: {}", event.path("event").asText());
            }
        } catch (RuntimeException e) {
            // one bad message must not end the call (Spring would close the socket on an exception)
            LOG.warn("Could not handle a media stream message of call {}", stream.call.callId(), e);
        }
    }

    @Override
    protected void onClosed(CallSession call, LegacyCall stream, CloseStatus status) {
        if (stream == null) {
            // closed before its state was made: the claimed session must still end, or it counts against the
            // tenant's limit for ever
            callSessions.end(call, closeReason(status));
        } else if (streams.remove(stream)) {
            // a no-op after stop or a handoff: the call is already over
            stream.finish("socket_lost", false);
        }
    }

    /** Whether the bot of the stream {@code streamSid} is talking: synthesizing, or audio Twilio has not played. */
    boolean isBotTalking(String streamSid) {
        return streams.stream().filter(stream -> streamSid.equals(stream.streamSid))
                .anyMatch(LegacyCall::isTalking);
    }

    /** The sentences of {@code text}, each spoken as soon as it is synthesized. */
    static List<String> sentences(String text) {
        return SentenceStream.of(text);
    }

    @PreDestroy
    void shutdown() {
        agentCalls.shutdownNow();
    }

    /**
     * One call's media stream: its recognition, the agent's turns, and what the bot is saying (package-private: it is
     * the handler's type argument).
     */
    final class LegacyCall implements RecognitionListener {

        private final CallSession call;
        private final WebSocketSession out;
        private volatile String streamSid;
        private volatile Recognition recognition;
        private volatile boolean over;
        // The agent's turns run one after another (a caller's two quick phrases must not be answered out of order),
        // on the shared pool.
        private CompletableFuture<Void> agentTurns = CompletableFuture.completedFuture(null);

        // What the bot says, guarded by this: the sentences waiting, the one being synthesized, and the marks sent
        // that Twilio has not echoed yet (it echoes a mark once the audio before it has played).
        private final Deque<String> pending = new ArrayDeque<>();
        private Speaking current;
        private final Set<String> marksOutstanding = new HashSet<>();
        private int marks;
        private boolean handoffPending;
        /** When the last mark was echoed: the bot has been quiet since. */
        private long quietSince = System.nanoTime();
        /** The agent's reply being streamed, if any. */
        private Reply replying;
        /** A reply that has come in whole and is still playing: its transcript waits for the end of it. */
        private Reply playing;

        LegacyCall(CallSession call, WebSocketSession out) {
            this.call = call;
            this.out = out;
        }

        void start(JsonNode event) {
            if (streamSid != null) {
                return;
            }
            JsonNode start = event.path("start");
            streamSid = start.path("streamSid").asText(event.path("streamSid").asText());
            String callSid = start.path("callSid").asText(null);
            if (callSid != null && !callSid.equals(call.callSid())) {
                LOG.warn("The media stream of call {} names another CallSid", call.callId());
            }
            try {
                recognition = speech.startRecognition(call.line().language(), this);
            } catch (RuntimeException | LinkageError e) {
                // LinkageError: an engine's native library that cannot load on this machine
                LOG.error("Could not start recognition for call {}", call.callId(), e);
                finish("failed", true);
                return;
            }
            if (over) {
                // the socket closed while the recognition was starting
                recognition.close();
                return;
            }
            String greeting = call.line().greeting();
            if (greeting != null && !greeting.isBlank()) {
                events.transcript(call, CallEvent.AGENT, greeting);
                speak(sentences(greeting), false);
            }
        }

        void media(JsonNode media) {
            Recognition listening = recognition;
            // a bidirectional stream carries only the caller's track; anything else is not the caller
            if (listening == null || over || !"inbound".equals(media.path("track").asText("inbound"))) {
                return;
            }
            listening.write(Base64.getDecoder().decode(media.path("payload").asText("")));
        }

        @Override
        public void onSpeechStarted() {
            boolean handoffDue;
            Reply interrupted;
            synchronized (this) {
                // between two sentences of a reply still streaming the bot is talking too, but not once it has
                // been quiet a while (a pause for a tool call): then the caller is answering what was said
                boolean midReply = replying != null && replying.spoke && !replying.cancelled
                        && System.nanoTime() - quietSince < MID_REPLY_PAUSE_NANOS;
                if (over || !isTalking() && !midReply) {
                    return;
                }
                if (replying != null) {
                    replying.cancelled = true;
                    // the sentences not yet begun were never heard: the transcript leaves them out
                    replying.unheard = pending.size();
                }
                interrupted = playing;
                if (playing != null) {
                    playing.unheard = pending.size();
                    playing = null;
                }
                if (current != null && current.synthesis != null) {
                    current.synthesis.cancel();
                }
                current = null;
                pending.clear();
                // Twilio echoes the marks of the audio it drops; they are no longer ours to wait for
                marksOutstanding.clear();
                send(message("clear"));
                handoffDue = handoffPending;
            }
            LOG.debug("Barge-in on call {}", call.callId());
            publishTranscript(interrupted);
            if (handoffDue) {
                finish("handoff", true);
            }
        }

        @Override
        public void onRecognized(String text) {
            if (over) {
                return;
            }
            events.transcript(call, CallEvent.CALLER, text);
            synchronized (this) {
                // exceptionally: a turn that failed in a way answer() did not catch must not stop the next ones
                agentTurns = agentTurns.exceptionally(failure -> null).thenRunAsync(() -> answer(text), agentCalls);
            }
        }

        /**
         * One turn of the agent: each sentence of its reply is queued as soon as it has streamed in, unless the
         * caller talked over the reply; the reply is still read to its end, for its hand-off and its tool calls.
         */
        private void answer(String utterance) {
            Reply reply = new Reply();
            synchronized (this) {
                replying = reply;
            }
            try {
                SentenceStream sentences = new SentenceStream();
                AgentReply answer = agent.reply(call, utterance, delta -> say(reply, sentences.append(delta)));
                say(reply, sentences.finish());
                // what the tools did happened, even when the caller has hung up meanwhile
                for (AgentClient.ToolCall tool : answer.toolCalls()) {
                    events.toolCall(call, tool.name(), tool.arguments());
                }
                if (over) {
                    return;
                }
                boolean heardAll;
                synchronized (this) {
                    // cut short, or already played: what was heard is known; else it is once the reply has played
                    heardAll = reply.cancelled || !isTalking();
                    if (!heardAll) {
                        playing = reply;
                    }
                }
                if (heardAll) {
                    publishTranscript(reply);
                }
                speak(List.of(), answer.handoff());
            } catch (RuntimeException e) {
                // caught here, or the turns chained after this one would never run
                LOG.error("The agent's turn failed on call {}", call.callId(), e);
            } finally {
                synchronized (this) {
                    if (replying == reply) {
                        replying = null;
                    }
                }
            }
        }

        /** Queues sentences of the reply, unless the caller talked over it. */
        private synchronized void say(Reply reply, List<String> sentences) {
            if (over || sentences.isEmpty() || reply.cancelled) {
                return;
            }
            reply.spoke = true;
            reply.queued.addAll(sentences);
            pending.addAll(sentences);
            if (current == null) {
                nextSentence();
            }
        }

        /** Queues {@code sentences}; with {@code handoffAfter} the call ends once they have played. */
        private void speak(Collection<String> sentences, boolean handoffAfter) {
            boolean handoffDue;
            synchronized (this) {
                if (over) {
                    return;
                }
                pending.addAll(sentences);
                handoffPending |= handoffAfter;
                if (current == null) {
                    nextSentence();
                }
                handoffDue = handoffPending && !isTalking();
            }
            if (handoffDue) {
                finish("handoff", true);
            }
        }

        /** Synthesizes the next sentence, if any; holds the lock. */
        private void nextSentence() {
            String sentence = pending.poll();
            if (sentence == null) {
                current = null;
                return;
            }
            Speaking speaking = new Speaking();
            current = speaking;
            try {
                speaking.synthesis = speech.synthesize(sentence, call.line().language(), call.line().voice(),
                        new SynthesisListener() {
                            @Override
                            public void onAudio(byte[] mulaw) {
                                synchronized (LegacyCall.this) {
                                    // a cancelled sentence's late audio is dropped
                                    if (current == speaking) {
                                        speaking.add(mulaw);
                                    }
                                }
                            }

                            @Override
                            public void onDone() {
                                synchronized (LegacyCall.this) {
                                    if (current == speaking) {
                                        speaking.flush();
                                        sendMark();
                                        current = null;
                                        nextSentence();
                                    }
                                }
                            }
                        });
            } catch (RuntimeException e) {
                LOG.error("Could not synthesize a sentence on call {}", call.callId(), e);
                if (current == speaking) {
                    current = null;
                    nextSentence();
                }
            }
        }

        void markPlayed(String name) {
            boolean handoffDue;
            Reply played;
            synchronized (this) {
                if (!marksOutstanding.remove(name)) {
                    return;
                }
                if (marksOutstanding.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                played = isTalking() ? null : playing;
                if (played != null) {
                    playing = null;
                }
                handoffDue = handoffPending && !isTalking();
            }
            publishTranscript(played);
            if (handoffDue) {
                finish("handoff", true);
            }
        }

        /** Records what the caller heard of {@code reply} (none: nothing to record), once. */
        private void publishTranscript(Reply reply) {
            String heard;
            synchronized (this) {
                if (reply == null || reply.published) {
                    return;
                }
                reply.published = true;
                heard = reply.heard();
            }
            if (!heard.isEmpty()) {
                events.transcript(call, CallEvent.AGENT, heard);
            }
        }

        synchronized boolean isTalking() {
            return current != null || !pending.isEmpty() || !marksOutstanding.isEmpty();
        }

        /** Ends the call once, whatever ends it first: stop, a handoff, a lost socket, a failure. */
        void finish(String reason, boolean closeSocket) {
            Reply cutShort;
            synchronized (this) {
                if (over) {
                    return;
                }
                over = true;
                cutShort = playing;
                if (playing != null) {
                    playing.unheard = pending.size();
                    playing = null;
                }
                if (current != null && current.synthesis != null) {
                    current.synthesis.cancel();
                }
                current = null;
                pending.clear();
                marksOutstanding.clear();
            }
            // before the call's end, which closes its timeline
            publishTranscript(cutShort);
            Recognition listening = recognition;
            if (listening != null) {
                try {
                    listening.close();
                } catch (RuntimeException e) {
                    LOG.warn("Could not close the recognition of call {}", call.callId(), e);
                }
            }
            try {
                callSessions.end(call, reason);
            } catch (RuntimeException e) {
                LOG.error("Could not record the end of call {} ({})", call.callId(), reason, e);
            }
            if (closeSocket) {
                try {
                    out.close(CloseStatus.NORMAL);
                } catch (IOException e) {
                    LOG.debug("Closing the media stream of call {}", call.callId(), e);
                }
            }
        }

        private void sendMedia(byte[] frame) {
            ObjectNode message = message("media");
            message.putObject("media").put("payload", Base64.getEncoder().encodeToString(frame));
            send(message);
        }

        private void sendMark() {
            String name = Integer.toString(++marks);
            marksOutstanding.add(name);
            ObjectNode message = message("mark");
            message.putObject("mark").put("name", name);
            send(message);
        }

        private ObjectNode message(String event) {
            return PayloadJson.mapper().createObjectNode().put("event", event).put("streamSid", streamSid);
        }

        private void send(ObjectNode message) {
            if (!out.isOpen()) {
                return;
            }
            try {
                out.sendMessage(new TextMessage(message.toString()));
            } catch (IOException | RuntimeException e) {
                // the decorator closes a socket that cannot keep up; the close ends the call
                LOG.debug("Could not send to the media stream of call {}", call.callId(), e);
            }
        }

        /** A reply of the agent's streaming in: whether any of it was spoken, and whether the caller cut it off. */
        private static final class Reply {

            // guarded by the LegacyCall's lock
            private boolean spoke;
            private boolean cancelled;
            private final List<String> queued = new ArrayList<>();
            private int unheard;
            private boolean published;

            /** The sentences the caller heard, at least in part: all of them unless the caller talked over them. */
            String heard() {
                return String.join(" ", queued.subList(0, Math.max(0, queued.size() - unheard)));
            }
        }

        /** A sentence being synthesized, cut into Twilio's 20 ms frames as its audio arrives. */
        private final class Speaking {

            private volatile Synthesis synthesis;
            private final byte[] frame = new byte[MuLaw.FRAME_BYTES];
            private int filled;

            void add(byte[] mulaw) {
                int offset = 0;
                while (offset < mulaw.length) {
                    int n = Math.min(frame.length - filled, mulaw.length - offset);
                    System.arraycopy(mulaw, offset, frame, filled, n);
                    filled += n;
                    offset += n;
                    if (filled == frame.length) {
                        sendMedia(frame);
                        filled = 0;
                    }
                }
            }

            /** Sends the last, short frame padded with silence, so every frame is a whole 20 ms. */
            void flush() {
                if (filled > 0) {
                    Arrays.fill(frame, filled, frame.length, MuLaw.SILENCE);
                    sendMedia(frame);
                    filled = 0;
                }
            }
        }
    }
}
