package com.custarea.voice.realtime;

import java.util.concurrent.CompletableFuture;

import com.custarea.voice.calls.CallSession;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The tenant's AI agent as the realtime mode's model runs it (session, tool calls, usage), answering asynchronously so
 * a model socket's listener never waits on it.
 */
public interface RealtimeAgent {

    /** The agent's session for {@code call}, or why the call goes to the team instead. */
    CompletableFuture<Setup> setup(CallSession call);

    /**
     * Runs the model's call {@code toolCallId} of the tool {@code name} for {@code call}; completes with the tool's
     * result as JSON text (an error the model can read when the tool could not be run), never exceptionally.
     */
    CompletableFuture<String> callTool(CallSession call, String toolCallId, String name, String arguments);

    /** Counts one finished response of the call's model, which used {@code tokens}; a failure is only logged. */
    void recordUsage(CallSession call, long tokens);

    /**
     * A call's model session.
     *
     * @param on           whether the agent answers the call; off, the call goes to the team without a model
     * @param offReason    why it is off
     * @param instructions the agent's instructions for the phone
     * @param tools        the agent's enabled tools: each a name, a description and a JSON Schema of parameters
     */
    record Setup(boolean on, String offReason, String instructions, JsonNode tools) {
    }
}
