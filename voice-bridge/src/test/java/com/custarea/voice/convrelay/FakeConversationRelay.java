package com.custarea.voice.convrelay;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Twilio's side of a ConversationRelay session, for tests: sends its messages and records the bridge's. */
final class FakeConversationRelay implements WebSocket.Listener {

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fake-conversation-relay");
        thread.setDaemon(true);
        return thread;
    });
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile WebSocket socket;

    void setup(String callSid, String accountSid, String from, String to) {
        ObjectNode setup = message("setup").put("sessionId", "VX" + Long.toHexString(System.nanoTime()))
                .put("accountSid", accountSid).put("parentCallSid", "").put("callSid", callSid).put("from", from)
                .put("to", to).put("forwardedFrom", "").put("callType", "PSTN").put("callerName", "")
                .put("direction", "inbound").put("callStatus", "RINGING");
        setup.putObject("customParameters");
        send(setup);
    }

    void prompt(String voicePrompt) {
        send(message("prompt").put("voicePrompt", voicePrompt).put("lang", "en-US").put("last", true));
    }

    void interrupt(String utteranceUntilInterrupt, long durationUntilInterruptMs) {
        send(message("interrupt").put("utteranceUntilInterrupt", utteranceUntilInterrupt)
                .put("durationUntilInterruptMs", durationUntilInterruptMs));
    }

    void dtmf(String digit) {
        send(message("dtmf").put("digit", digit));
    }

    /** Closes the socket as ConversationRelay does when the call is over. */
    void close() {
        sender.submit(() -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS));
    }

    /** The bridge's messages of {@code type}, in order. */
    List<JsonNode> received(String type) {
        return received.stream().filter(message -> type.equals(message.path("type").asText())).toList();
    }

    /** The text tokens from the {@code from}-th on. */
    List<JsonNode> tokensFrom(int from) {
        List<JsonNode> tokens = received("text");
        return tokens.subList(Math.min(from, tokens.size()), tokens.size());
    }

    int tokenCount() {
        return received("text").size();
    }

    /** Whether the tokens from the {@code from}-th on end a reply (one has last=true). */
    boolean replyEnded(int from) {
        return tokensFrom(from).stream().anyMatch(token -> token.path("last").asBoolean());
    }

    static String join(List<JsonNode> tokens) {
        StringBuilder text = new StringBuilder();
        tokens.forEach(token -> text.append(token.path("token").asText()));
        return text.toString();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(PayloadJson.tree(partial.toString()));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    private static ObjectNode message(String type) {
        return PayloadJson.mapper().createObjectNode().put("type", type);
    }

    /** Sends in order, one at a time, off the listener's thread. */
    private void send(ObjectNode message) {
        String text = PayloadJson.write(message);
        sender.submit(() -> socket.sendText(text, true).get(5, TimeUnit.SECONDS));
    }
}
