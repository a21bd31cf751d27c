package com.custarea.voice.agent;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import com.custarea.voice.calls.CallSession;

/**
 * An agent for tests whose reply streams its first sentence (and the first word of the next) at once and the rest
 * only when the test completes {@link #rest}; the reply names one tool call.
 */
public final class SlowStreamingAgent implements AgentClient {

    public static final String TEXT = "Your parcel left our warehouse today. It arrives on Monday.";
    public static final String FIRST_SENTENCE = "Your parcel left our warehouse today.";
    public static final String SECOND_SENTENCE = "It arrives on Monday.";
    public static final ToolCall TOOL_CALL = new ToolCall("create_ticket", "{\"subject\":\"Parcel\"}",
            "The AI agent opened a ticket");

    /** Completed by the test: the rest of the reply may come. */
    public final CompletableFuture<Void> rest = new CompletableFuture<>();
    /** Completed by the agent once it has streamed its whole reply. */
    public final CompletableFuture<Void> finished = new CompletableFuture<>();

    @Override
    public AgentReply reply(CallSession call, String utterance, Consumer<String> deltas) {
        deltas.accept("Your parcel left our ");
        deltas.accept("warehouse today. It ");
        rest.join();
        deltas.accept("arrives on Monday.");
        finished.complete(null);
        return new AgentReply(TEXT, false, null, List.of(TOOL_CALL));
    }
}
