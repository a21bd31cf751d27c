package com.custarea.app.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.email.SandboxOutbox;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.routes.support.HttpResponses;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Plays the tenant's system for API channels on a single machine: receives their signed callbacks, checks the
 * signature with the channel's secret as a real receiver should, and keeps the last ones for
 * {@code GET /demo/callbacks}. Also shows the sandbox outbox (mail that would have been sent, sign-in codes
 * included) at {@code GET /demo/sandbox}. Present only in the embedded (demo) mode.
 */
@Component
@ConditionalOnProperty(name = "custarea.demo.enabled", havingValue = "true")
public class DemoCallbackSink {

    private static final int KEPT = 100;

    private final ChannelRegistry channels;
    private final SandboxOutbox sandbox;
    private final Deque<ReceivedCallback> received = new ArrayDeque<>();

    public DemoCallbackSink(ChannelRegistry channels, SandboxOutbox sandbox) {
        this.channels = channels;
        this.sandbox = sandbox;
    }

    /** Records one callback; answers 401 when its signature is wrong, 204 otherwise. */
    public void receive(Exchange exchange) {
        Message request = exchange.getMessage();
        byte[] body = Optional.ofNullable(request.getBody(byte[].class)).orElse(new byte[0]);
        String signature = request.getHeader(ApiChannelHeaders.SIGNATURE, String.class);
        String timestamp = request.getHeader(ApiChannelHeaders.TIMESTAMP, String.class);
        String deliveryId = request.getHeader(ApiChannelHeaders.DELIVERY_ID, String.class);
        String channelId = request.getHeader(ApiChannelHeaders.CHANNEL_ID, String.class);
        boolean valid = verify(channelId, timestamp, signature, body);
        JsonNode json = PayloadJson.tree(new String(body, StandardCharsets.UTF_8));
        synchronized (received) {
            received.addFirst(new ReceivedCallback(deliveryId, channelId, valid, json));
            while (received.size() > KEPT) {
                received.removeLast();
            }
        }
        HttpResponses.text(exchange, valid ? 204 : 401, "text/plain", "");
    }

    /** Answers the last callbacks received, newest first. */
    public void list(Exchange exchange) {
        List<ReceivedCallback> copy;
        synchronized (received) {
            copy = new ArrayList<>(received);
        }
        HttpResponses.json(exchange, 200, copy);
    }

    /** Answers the sandbox outbox, newest first; {@code ?to=} narrows it to one recipient. */
    public void outbox(Exchange exchange) {
        String to = exchange.getMessage().getHeader("to", String.class);
        HttpResponses.json(exchange, 200, sandbox.latest(to == null || to.isBlank() ? null : to, 50));
    }

    private boolean verify(String channelId, String timestamp, String signature, byte[] body) {
        try {
            return channels.find(UUID.fromString(channelId)).flatMap(channels::secretOf).map(secret ->
                    HmacSignatures.constantTimeEquals(ApiChannelHeaders.SIGNATURE_PREFIX
                            + HmacSignatures.timestampedSha256Hex(secret, Long.parseLong(timestamp), body),
                            signature)).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A callback as the sink saw it. */
    record ReceivedCallback(String deliveryId, String channelId, boolean signatureValid, JsonNode body) {
    }
}
