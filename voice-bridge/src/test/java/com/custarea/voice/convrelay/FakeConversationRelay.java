package com.custarea.voice.convrelay;

import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.ws.WholeTextListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Twilio's side of a ConversationRelay session, for tests: sends its messages and records the bridge's. */
final class FakeConversationRelay {

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fake-conversation-relay");
        thread.setDaemon(true);
        return thread;
    });
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** Twilio's end of the socket, to connect with. */
    final WholeTextListener listener = new WholeTextListener(message -> received.add(PayloadJson.tree(message)),
            (statusCode, reason) -> closed.complete(statusCode), error -> closed.completeExceptionally(error));

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
        sender.submit(() -> listener.socket().sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS));
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

    private static ObjectNode message(String type) {
        return PayloadJson.mapper().createObjectNode().put("type", type);
    }

    /** Sends in order, one at a time, off the listener's thread. */
    private void send(ObjectNode message) {
        String text = PayloadJson.write(message);
        sender.submit(() -> listener.socket().sendText(text, true).get(5, TimeUnit.SECONDS));
    }
}
