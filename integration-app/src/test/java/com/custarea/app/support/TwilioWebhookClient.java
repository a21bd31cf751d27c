package com.custarea.app.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Calls CustArea's Twilio webhooks the way Twilio does: form-encoded (or JSON with {@code bodySHA256}), signed with
 * {@code X-Twilio-Signature} as Twilio's security docs describe, written here from that description rather than
 * with the SDK under test. Twilio calls the public URL; the request itself goes to the local port.
 */
public final class TwilioWebhookClient {

    /** The public base URL the tests configure (custarea.public-base-url): what Twilio would call and sign. */
    public static final String PUBLIC_BASE_URL = "https://custarea.example.test";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String localBase;

    public TwilioWebhookClient(int port) {
        this.localBase = "http://127.0.0.1:" + port;
    }

    /** POSTs {@code params} form-encoded to {@code pathAndQuery}, signed over the public URL. */
    public HttpResponse<String> post(String pathAndQuery, Map<String, String> params, String authToken) {
        return postSigned(pathAndQuery, params, signature(authToken, PUBLIC_BASE_URL + pathAndQuery, params));
    }

    /** POSTs {@code params} form-encoded with the given signature header (null: none). */
    public HttpResponse<String> postSigned(String pathAndQuery, Map<String, String> params, String signature) {
        return send(pathAndQuery, "application/x-www-form-urlencoded", formEncode(params), signature);
    }

    /** POSTs a JSON body: the URL carries bodySHA256 and the signature covers the URL alone. */
    public HttpResponse<String> postJson(String path, String json, String authToken) {
        String pathAndQuery = path + "?bodySHA256=" + sha256Hex(json);
        return send(pathAndQuery, "application/json", json,
                signature(authToken, PUBLIC_BASE_URL + pathAndQuery, Map.of()));
    }

    /** POSTs a raw body with a content type and signature as given. */
    public HttpResponse<String> send(String pathAndQuery, String contentType, String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(localBase + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Twilio-Signature", signature);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("POST " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Base64(HMAC-SHA1(token, url + every parameter sorted by name as name + value)). */
    public static String signature(String authToken, String url, Map<String, String> params) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString()
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String formEncode(Map<String, String> params) {
        return params.entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String sha256Hex(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
