package com.custarea.app.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.routes.support.HttpResponses;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Plays the tenant's system for the demo API channel: receives its signed callbacks, checks the signature as a
 * real receiver should, and keeps the last ones for {@code GET /demo/callbacks}.
 */
@Component
@ConditionalOnProperty(name = "custarea.demo.enabled", havingValue = "true")
public class DemoCallbackSink {

    private static final int KEPT = 100;

    private final DemoTenantBootstrap bootstrap;
    private final Deque<ReceivedCallback> received = new ArrayDeque<>();

    public DemoCallbackSink(DemoTenantBootstrap bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Records one callback; answers 401 when its signature is wrong, 204 otherwise. */
    public void receive(Exchange exchange) {
        Message request = exchange.getMessage();
        byte[] body = request.getBody(byte[].class);
        String signature = request.getHeader(ApiChannelHeaders.SIGNATURE, String.class);
        String timestamp = request.getHeader(ApiChannelHeaders.TIMESTAMP, String.class);
        String deliveryId = request.getHeader(ApiChannelHeaders.DELIVERY_ID, String.class);
        boolean valid = bootstrap.demoTenant().map(demo -> {
            try {
                String expected = ApiChannelHeaders.SIGNATURE_PREFIX
                        + HmacSignatures.timestampedSha256Hex(demo.secret(), Long.parseLong(timestamp), body);
                return HmacSignatures.constantTimeEquals(expected, signature);
            } catch (RuntimeException e) {
                return false;
            }
        }).orElse(false);
        JsonNode json = PayloadJson.tree(new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8));
        synchronized (received) {
            received.addFirst(new ReceivedCallback(deliveryId, valid, json));
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

    /** A callback as the sink saw it. */
    record ReceivedCallback(String deliveryId, boolean signatureValid, JsonNode body) {
    }
}
