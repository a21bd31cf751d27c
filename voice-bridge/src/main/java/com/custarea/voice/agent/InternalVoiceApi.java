package com.custarea.voice.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.custarea.schemas.PayloadJson;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** integration-app's internal voice API as the bridge calls it: JSON POSTs with the bridge's token, never blocking. */
@Component
public class InternalVoiceApi {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String appBaseUrl;
    private final String token;

    public InternalVoiceApi(@Value("${custarea.voice.app-base-url}") String appBaseUrl,
                            @Value("${custarea.voice.bridge-token}") String token) {
        this.appBaseUrl = appBaseUrl.replaceAll("/+$", "");
        this.token = token;
    }

    /** A POST of {@code body} as JSON to {@code path}, with the bridge's token, answered within {@code timeout}. */
    public HttpRequest.Builder post(String path, Object body, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(appBaseUrl + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(timeout).POST(HttpRequest.BodyPublishers.ofString(PayloadJson.write(body)));
    }

    /** Sends {@code request} without blocking. */
    public <T> CompletableFuture<HttpResponse<T>> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        return http.sendAsync(request, body);
    }
}
