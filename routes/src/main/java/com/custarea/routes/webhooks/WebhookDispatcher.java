package com.custarea.routes.webhooks;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.routes.support.ProviderCallErrorHandling;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Sends due webhook deliveries: each signed (HMAC-SHA256 over {@code timestamp + "." + body} under the
 * subscription's secret, with the delivery id), 2xx accepted, anything else retried with exponential backoff and
 * jitter (a longer Retry-After wins) until the last attempt, after which the delivery is dead until replayed.
 * Connections go only to addresses the URL policy passed, and redirects are not followed, since a redirect could
 * lead to an address the policy refuses ({@link PinnedHttpClient}). Each attempt has a hard deadline, and the claim
 * on a batch outlasts it.
 */
@Component
public class WebhookDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MAX_ERROR_LENGTH = 500;
    /** The retry schedule when the configuration names none: 30 s, doubling, at most an hour apart, 12 attempts. */
    static final String DEFAULT_INITIAL_DELAY = "30s";
    static final String DEFAULT_MAX_DELAY = "1h";
    static final int DEFAULT_MAX_ATTEMPTS = 12;

    private final WebhookDeliveries deliveries;
    private final WebhookSubscriptions subscriptions;
    private final WebhookUrlPolicy policy;
    private final MeterRegistry meters;
    private final PinnedHttpClient http;
    private final ExecutorService sending;
    private final int batchSize;
    private final Duration attemptDeadline;
    private final Duration lease;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int maxAttempts;

    public WebhookDispatcher(WebhookDeliveries deliveries, WebhookSubscriptions subscriptions,
                             WebhookUrlPolicy policy, MeterRegistry meters,
                             @Value("${custarea.webhooks.batch-size:32}") int batchSize,
                             @Value("${custarea.webhooks.connect-timeout:5s}") Duration connectTimeout,
                             @Value("${custarea.webhooks.request-timeout:10s}") Duration requestTimeout,
                             @Value("${custarea.webhooks.retry.initial-delay:" + DEFAULT_INITIAL_DELAY + "}")
                             Duration initialDelay,
                             @Value("${custarea.webhooks.retry.max-delay:" + DEFAULT_MAX_DELAY + "}")
                             Duration maxDelay,
                             @Value("${custarea.webhooks.retry.max-attempts:" + DEFAULT_MAX_ATTEMPTS + "}")
                             int maxAttempts) {
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.policy = policy;
        this.meters = meters;
        this.batchSize = batchSize;
        // the read timeout bounds each read only: a receiver answering a byte at a time, or many addresses to
        // connect to, would hold an attempt without end, so the attempt is cut off at this deadline
        this.attemptDeadline = attemptDeadline(connectTimeout, requestTimeout);
        // the batch's attempts run side by side, so a claim twice the deadline outlasts all of them, with room
        // for what the deadline does not cut (the DNS lookups, a connect it came in the middle of, the recording):
        // no other instance claims a delivery and sends it again while its attempt still runs
        this.lease = this.attemptDeadline.multipliedBy(2);
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.maxAttempts = maxAttempts;
        // no redirects: a receiver answers where it was subscribed, and 3xx is an answer like any other non-2xx
        this.http = new PinnedHttpClient(policy, connectTimeout, requestTimeout, batchSize, 0,
                "CustArea-Webhooks/1");
        this.sending = Executors.newFixedThreadPool(batchSize, runnable -> {
            Thread thread = new Thread(runnable, "webhook-send");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The longest one attempt may take: connecting to each address it tries, then the answer's status line. */
    static Duration attemptDeadline(Duration connectTimeout, Duration requestTimeout) {
        return PinnedHttpClient.headDeadline(connectTimeout, requestTimeout);
    }

    /** How long a claimed batch is kept from other instances. */
    Duration lease() {
        return lease;
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
        CompletableFuture.allOf(due.stream().map(delivery -> CompletableFuture.runAsync(() -> attempt(delivery),
                sending)).toArray(CompletableFuture[]::new)).join();
        return due.size();
    }

    @PreDestroy
    void stopSending() throws IOException {
        sending.shutdown();
        http.close();
    }

    private void attempt(WebhookDeliveries.DueDelivery delivery) {
        int attempt = delivery.attempts() + 1;
        Optional<WebhookSubscriptions.Endpoint> endpoint = subscriptions.endpoint(delivery.tenantId(),
                delivery.subscriptionId());
        if (endpoint.isEmpty() || !endpoint.get().enabled()) {
            record(delivery, attempt, null, "the subscription is disabled", 0, WebhookDeliveries.Outcome.DEAD, null);
            return;
        }
        Optional<String> refusal = policy.refusal(endpoint.get().url());
        if (refusal.isPresent()) {
            record(delivery, attempt, null, "refused: the URL " + refusal.get(), 0, WebhookDeliveries.Outcome.DEAD,
                    null);
            return;
        }
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        long timestamp = Instant.now().getEpochSecond();
        HttpPost request = new HttpPost(URI.create(endpoint.get().url()));
        request.setHeader(ApiChannelHeaders.DELIVERY_ID, delivery.id().toString());
        request.setHeader(ApiChannelHeaders.EVENT, delivery.eventType());
        request.setHeader(ApiChannelHeaders.TIMESTAMP, Long.toString(timestamp));
        request.setHeader(ApiChannelHeaders.SIGNATURE, ApiChannelHeaders.SIGNATURE_PREFIX
                + HmacSignatures.timestampedSha256Hex(endpoint.get().secret(), timestamp, body));
        request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        long started = System.nanoTime();
        Reply reply;
        try {
            reply = post(request);
        } catch (WebhookUrlPolicy.RefusedAddressException e) {
            // the name was pointed at a refused address after the check above: nothing was sent
            record(delivery, attempt, null, "refused: the URL " + e.getMessage(), latencySince(started),
                    WebhookDeliveries.Outcome.DEAD, null);
            return;
        } catch (IOException | RuntimeException e) {
            retryOrGiveUp(delivery, attempt, null, e.toString(), latencySince(started), Optional.empty());
            return;
        }
        long latencyMs = latencySince(started);
        if (reply.statusCode() / 100 == 2) {
            record(delivery, attempt, reply.statusCode(), null, latencyMs, WebhookDeliveries.Outcome.DELIVERED, null);
        } else {
            retryOrGiveUp(delivery, attempt, reply.statusCode(), "HTTP " + reply.statusCode(), latencyMs,
                    reply.retryAfter());
        }
    }

    /**
     * Posts the request and reads what the answer's head says (its status, Retry-After) within the attempt's
     * deadline; the body is never read, so a receiver that sends it slowly, or without end, holds nothing.
     *
     * @throws PinnedHttpClient.DeadlineException when the deadline cut the attempt off
     */
    Reply post(HttpPost request) throws IOException {
        return http.exchange(request, attemptDeadline, response -> new Reply(response.getCode(),
                Optional.ofNullable(response.getFirstHeader("Retry-After")).map(Header::getValue)
                        .flatMap(ProviderCallErrorHandling::parseRetryAfter)));
    }

    private static long latencySince(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
    }

    /** What a receiver answered: its status, and how long it asked us to wait. */
    record Reply(int statusCode, Optional<Duration> retryAfter) {
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
