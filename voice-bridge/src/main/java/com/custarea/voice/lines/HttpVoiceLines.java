package com.custarea.voice.lines;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import com.custarea.schemas.PayloadJson;
import com.custarea.voice.calls.CallMode;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The voice lines as integration-app knows them (it owns tenants and channels), asked over its internal voice API
 * with the bridge's token and cached briefly, so a call's webhooks and socket cost one lookup.
 */
@Component
public class HttpVoiceLines implements VoiceLines {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String appBaseUrl;
    private final String token;
    private final Cache<String, Optional<VoiceLine>> cache = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(30)).build();

    public HttpVoiceLines(@Value("${custarea.voice.app-base-url}") String appBaseUrl,
                          @Value("${custarea.voice.bridge-token}") String token) {
        this.appBaseUrl = appBaseUrl.replaceAll("/+$", "");
        this.token = token;
    }

    @Override
    public Optional<VoiceLine> byNumber(String phoneNumber) {
        if (phoneNumber == null || phoneNumber.isBlank()) {
            return Optional.empty();
        }
        return cache.get(phoneNumber, this::fetch);
    }

    private Optional<VoiceLine> fetch(String phoneNumber) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(appBaseUrl + "/api/internal/voice/lines?number="
                        + URLEncoder.encode(phoneNumber, StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("integration-app cannot be reached for the line of " + phoneNumber, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while looking up a voice line", e);
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("integration-app answered " + response.statusCode()
                    + " for the line of " + phoneNumber + ": " + response.body());
        }
        JsonNode line = PayloadJson.tree(response.body());
        return Optional.of(new VoiceLine(uuid(line, "tenantId"), uuid(line, "channelId"),
                text(line, "phoneNumber"), CallMode.fromWireName(text(line, "mode")).orElse(CallMode.CONVRELAY),
                text(line, "accountSid"), text(line, "authToken"), text(line, "instructions"),
                text(line, "greeting"), text(line, "language"), text(line, "voice"),
                text(line, "transferNumber")));
    }

    private static UUID uuid(JsonNode node, String field) {
        return UUID.fromString(node.path(field).asText());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
