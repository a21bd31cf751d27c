package com.custarea.routes.webhooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.routes.support.ProviderCallErrorHandling;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Sends due webhook deliveries: each signed (HMAC-SHA256 over {@code timestamp + "." + body} under the
 * subscription's secret, with the delivery id), 2xx accepted, anything else retried with exponential backoff and
 * jitter (a longer Retry-After wins) until the last attempt, after which the delivery is dead until replayed.
 * Redirects are not followed, since a redirect could lead to an address the URL policy refuses.
 */
@Component
public class WebhookDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MAX_ERROR_LENGTH = 500;

    private final WebhookDeliveries deliveries;
    private final WebhookSubscriptions subscriptions;
    private final WebhookUrlPolicy policy;
    private final MeterRegistry meters;
    private final HttpClient http;
    private final int batchSize;
    private final Duration lease;
    private final Duration requestTimeout;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int maxAttempts;

    public WebhookDispatcher(WebhookDeliveries deliveries, WebhookSubscriptions subscriptions,
                             WebhookUrlPolicy policy, MeterRegistry meters,
                             @Value("${custarea.webhooks.batch-size:32}") int batchSize,
                             @Value("${custarea.webhooks.connect-timeout:5s}") Duration connectTimeout,
                             @Value("${custarea.webhooks.request-timeout:10s}") Duration requestTimeout,
                             @Value("${custarea.webhooks.retry.initial-delay:30s}") Duration initialDelay,
                             @Value("${custarea.webhooks.retry.max-delay:1h}") Duration maxDelay,
                             @Value("${custarea.webhooks.retry.max-attempts:12}") int maxAttempts) {
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.policy = policy;
        this.meters = meters;
        this.batchSize = batchSize;
        this.requestTimeout = requestTimeout;
        // a claim outlives every attempt of its batch, so no other instance sends the same delivery meanwhile
        this.lease = requestTimeout.multipliedBy(3);
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.maxAttempts = maxAttempts;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Sends due deliveries batch after batch until a batch comes back short. */
    public void dispatchAllDue() {
        while (dispatchDue() == batchSize) {
            LOG.debug("A full batch of webhook deliveries was due; sending the next");
        }
    }

    /** Sends one batch of due deliveries; returns how many it attempted (0: nothing was due). */
    public int dispatchDue() {
        List<WebhookDeliveries.DueDelivery> due = deliveries.claimDue(batchSize, lease);
        CompletableFuture.allOf(due.stream().map(this::attempt).toArray(CompletableFuture[]::new)).join();
        return due.size();
    }

    private CompletableFuture<Void> attempt(WebhookDeliveries.DueDelivery delivery) {
        int attempt = delivery.attempts() + 1;
        Optional<WebhookSubscriptions.Endpoint> endpoint = subscriptions.endpoint(delivery.tenantId(),
                delivery.subscriptionId());
        if (endpoint.isEmpty() || !endpoint.get().enabled()) {
            record(delivery, attempt, null, "the subscription is disabled", 0, WebhookDeliveries.Outcome.DEAD, null);
            return CompletableFuture.completedFuture(null);
        }
        Optional<String> refusal = policy.refusal(endpoint.get().url());
        if (refusal.isPresent()) {
            record(delivery, attempt, null, "refused: the URL " + refusal.get(), 0, WebhookDeliveries.Outcome.DEAD,
                    null);
            return CompletableFuture.completedFuture(null);
        }
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint.get().url()))
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "CustArea-Webhooks/1")
                .header(ApiChannelHeaders.DELIVERY_ID, delivery.id().toString())
                .header(ApiChannelHeaders.EVENT, delivery.eventType())
                .header(ApiChannelHeaders.TIMESTAMP, Long.toString(timestamp))
                .header(ApiChannelHeaders.SIGNATURE, ApiChannelHeaders.SIGNATURE_PREFIX
                        + HmacSignatures.timestampedSha256Hex(endpoint.get().secret(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        long started = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            long latencyMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
            if (failure != null) {
                String error = failure.getCause() != null ? failure.getCause().toString() : failure.toString();
                retryOrGiveUp(delivery, attempt, null, error, latencyMs, Optional.empty());
            } else if (response.statusCode() / 100 == 2) {
                record(delivery, attempt, response.statusCode(), null, latencyMs,
                        WebhookDeliveries.Outcome.DELIVERED, null);
            } else {
                retryOrGiveUp(delivery, attempt, response.statusCode(), "HTTP " + response.statusCode(), latencyMs,
                        response.headers().firstValue("Retry-After")
                                .flatMap(ProviderCallErrorHandling::parseRetryAfter));
            }
            return null;
        });
    }

    private void retryOrGiveUp(WebhookDeliveries.DueDelivery delivery, int attempt, Integer statusCode, String error,
                               long latencyMs, Optional<Duration> retryAfter) {
        if (attempt >= maxAttempts) {
            LOG.warn("Webhook delivery {} ({}) is dead after {} attempts: {}", delivery.id(), delivery.eventType(),
                    attempt, error);
            record(delivery, attempt, statusCode, error, latencyMs, WebhookDeliveries.Outcome.DEAD, null);
            return;
        }
        Duration delay = backoff(attempt);
        if (retryAfter.isPresent() && retryAfter.get().compareTo(delay) > 0) {
            delay = retryAfter.get().compareTo(maxDelay) > 0 ? maxDelay : retryAfter.get();
        }
        record(delivery, attempt, statusCode, error, latencyMs, WebhookDeliveries.Outcome.RETRY,
                Instant.now().plus(delay));
    }

    /** initial × 2^(attempt−1), capped, with up to 20% jitter so a recovering receiver is not hit all at once. */
    Duration backoff(int attempt) {
        long base = initialDelay.toMillis() << Math.min(attempt - 1, 30);
        long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, maxDelay.toMillis());
        return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1));
    }

    private void record(WebhookDeliveries.DueDelivery delivery, int attempt, Integer statusCode, String error,
                        long latencyMs, WebhookDeliveries.Outcome outcome, Instant retryAt) {
        String trimmed = error == null || error.length() <= MAX_ERROR_LENGTH ? error
                : error.substring(0, MAX_ERROR_LENGTH);
        deliveries.recordAttempt(delivery.id(), attempt, statusCode, trimmed, latencyMs, outcome, retryAt);
        meters.counter("custarea.webhooks.deliveries", "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .increment();
        Timer.builder("custarea.webhooks.delivery.latency").register(meters)
                .record(Duration.ofMillis(latencyMs));
    }
}
