package com.custarea.app.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.support.HmacSignatures;

/** Plays a tenant's system: posts to an API channel, signed the way the README tells integrators to sign. */
public final class SignedApiClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public SignedApiClient(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /** Posts {@code body} to the channel's messages endpoint, signed now with {@code secret}. */
    public HttpResponse<String> postMessage(UUID channelId, String secret, String body) {
        return post("/api/channels/api/" + channelId + "/messages", secret, Instant.now().getEpochSecond(), body);
    }

    /** Posts {@code body} to the channel's statuses endpoint, signed now with {@code secret}. */
    public HttpResponse<String> postStatus(UUID channelId, String secret, String body) {
        return post("/api/channels/api/" + channelId + "/statuses", secret, Instant.now().getEpochSecond(), body);
    }

    /** Posts {@code body} signed as of {@code timestamp} (Unix seconds). */
    public HttpResponse<String> post(String path, String secret, long timestamp, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String signature = ApiChannelHeaders.SIGNATURE_PREFIX
                + HmacSignatures.timestampedSha256Hex(secret, timestamp, bytes);
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .header(ApiChannelHeaders.TIMESTAMP, Long.toString(timestamp))
                .header(ApiChannelHeaders.SIGNATURE, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build());
    }

    /** Sends any request to the application. */
    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Request to " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A GET of {@code path}. */
    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
    }

    public String baseUrl() {
        return baseUrl;
    }
}
