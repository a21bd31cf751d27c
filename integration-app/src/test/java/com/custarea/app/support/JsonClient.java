package com.custarea.app.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** Calls the dashboard API as a front end would: JSON in and out, a bearer token when it has one. */
public final class JsonClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public JsonClient(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /** The answer of a call: status, headers and the JSON body (a missing node when there is none). */
    public record Answer(int status, HttpResponse<String> raw, JsonNode json) {

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Answer get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    public Answer post(String path, String token, String json) {
        return send("POST", path, token, "application/json", json);
    }

    public Answer patch(String path, String token, String json) {
        return send("PATCH", path, token, "application/json", json);
    }

    public Answer put(String path, String token, String json) {
        return send("PUT", path, token, "application/json", json);
    }

    public Answer delete(String path, String token) {
        return send("DELETE", path, token, null, null);
    }

    public Answer send(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body() == null || response.body().isBlank() ? MissingNode.getInstance()
                    : parse(response.body());
            return new Answer(response.statusCode(), response, json);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return PayloadJson.tree(body);
        } catch (RuntimeException notJson) {
            return MissingNode.getInstance();
        }
    }
}
