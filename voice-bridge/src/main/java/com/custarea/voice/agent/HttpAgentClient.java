package com.custarea.voice.agent;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallSession;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * The tenant's AI agent through integration-app's internal voice API, its answer streamed as NDJSON: the same
 * agent, knowledge base and tools as the text channels, in the call's conversation. Each {@code delta} line is handed
 * on as it arrives; the {@code done} line carries the whole text, the hand-off and the tools called. When
 * integration-app cannot answer (a restart, an error, no line for {@code custarea.voice.agent-timeout}), the caller
 * hears an apology and may say it again, rather than silence or a hung-up call.
 */
@Component
public class HttpAgentClient implements AgentClient {

    private static final Logger LOG = LoggerFactory.getLogger(HttpAgentClient.class);
    static final String APOLOGY = "Sorry, I did not catch that. Could you say it again?";

    private final InternalVoiceApi api;
    private final Duration timeout;

    public HttpAgentClient(InternalVoiceApi api, @Value("${custarea.voice.agent-timeout:20s}") Duration timeout) {
        this.api = api;
        this.timeout = timeout;
    }

    @Override
    public AgentReply reply(CallSession call, String utterance, Consumer<String> deltas) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", call.tenantId());
        body.put("channelId", call.line().channelId());
        body.put("callId", call.callId());
        body.put("callSid", call.callSid());
        body.put("customerNumber", call.customerNumber());
        body.put("utterance", utterance);
        HttpRequest request = api.post("/api/internal/voice/answer", body, timeout)
                .header("Accept", MediaType.APPLICATION_NDJSON_VALUE).build();
        Lines lines = new Lines();
        CompletableFuture<HttpResponse<Void>> sent = api.send(request, lines::subscriber);
        sent.whenComplete((response, failure) -> {
            if (failure != null) {
                lines.fail("could not be reached: " + failure);
            }
        });
        StringBuilder said = new StringBuilder();
        try {
            while (true) {
                Object next = lines.queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    sent.cancel(true);
                    lines.cancel();
                    return apology(call, "did not answer within " + timeout, said, deltas);
                }
                if (next instanceof Failure failure) {
                    return apology(call, failure.why(), said, deltas);
                }
                JsonNode line = PayloadJson.tree((String) next);
                if (line.hasNonNull("delta")) {
                    String delta = line.get("delta").asText();
                    said.append(delta);
                    deltas.accept(delta);
                } else if (line.path("done").asBoolean(false)) {
                    if (line.hasNonNull("error")) {
                        return apology(call, "failed half-way: " + line.get("error").asText(), said, deltas);
                    }
                    return reply(line, said);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lines.cancel();
            return new AgentReply(said.toString(), false, null, List.of());
        } catch (RuntimeException e) {
            lines.cancel();
            return apology(call, "answered something that is not NDJSON (" + e.getMessage() + ")", said, deltas);
        }
    }

    private static AgentReply reply(JsonNode done, StringBuilder said) {
        List<ToolCall> toolCalls = new ArrayList<>();
        for (JsonNode tool : done.path("toolCalls")) {
            toolCalls.add(new ToolCall(tool.path("name").asText(), tool.path("arguments").asText(null),
                    tool.path("outcome").asText(null)));
        }
        // the done line's text is every delta joined; a line without one (an older app) leaves what was streamed
        String text = done.hasNonNull("text") ? done.get("text").asText() : said.toString();
        return new AgentReply(text, done.path("handoff").asBoolean(false),
                done.hasNonNull("handoffReason") ? done.get("handoffReason").asText() : null, toolCalls);
    }

    /** The apology, after what was already said (on a line of its own, so it is a sentence of its own). */
    private static AgentReply apology(CallSession call, String why, StringBuilder said,
                                      Consumer<String> deltas) {
        LOG.warn("The agent of call {} {}", call.callId(), why);
        String apology = said.length() == 0 ? APOLOGY : "\n" + APOLOGY;
        said.append(apology);
        deltas.accept(apology);
        return new AgentReply(said.toString(), false, null, List.of());
    }

    /** Why a reply stopped coming. */
    private record Failure(String why) {
    }

    /**
     * The response's lines, queued as they arrive for the thread that waits on the reply (which can then give up
     * after a while with no line): each a String, or a {@link Failure} last.
     */
    private static final class Lines implements Flow.Subscriber<String> {

        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        HttpResponse.BodySubscriber<Void> subscriber(HttpResponse.ResponseInfo info) {
            if (info.statusCode() == 200) {
                return HttpResponse.BodySubscribers.fromLineSubscriber(this);
            }
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
                    body -> {
                        fail("answered " + info.statusCode() + ": " + body);
                        return null;
                    });
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (cancelled) {
                subscription.cancel();
            } else {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(String line) {
            if (!line.isBlank()) {
                queue.add(line);
            }
        }

        @Override
        public void onError(Throwable failure) {
            fail("broke off: " + failure);
        }

        @Override
        public void onComplete() {
            fail("ended its answer without a done line");
        }

        void fail(String why) {
            queue.add(new Failure(why));
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
