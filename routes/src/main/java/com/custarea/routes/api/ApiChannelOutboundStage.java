package com.custarea.routes.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.Correlation;
import com.custarea.routes.support.DeliveryReports;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.PermanentFailure;
import com.custarea.routes.support.ProviderCallErrorHandling;
import com.custarea.routes.support.SendAttempt;
import com.custarea.routes.support.SendLedger;
import com.custarea.routes.support.SendOutcome;
import com.custarea.routes.support.SendSettlement;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import jakarta.annotation.PreDestroy;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Sends outbound.api records as signed callbacks to the tenant's system, through the send ledger: only messages the
 * ledger lets this delivery claim are sent (in parallel), and each outcome is recorded before the offsets move.
 * A sent message is reported sent on delivery.status; a refused one is reported failed and its record dead-lettered
 * so it can be replayed once the receiver is fixed. One that failed transiently (after the in-place retries), or
 * whose channel's circuit is open, is parked and tried again later, no sooner than the receiver's Retry-After, until
 * {@code custarea.providers.park-limit} has passed; then it is reported failed and dead-lettered too.
 */
@Service
public class ApiChannelOutboundStage implements BatchStage<OutboundMessage> {

    static final String STAGE = "outbound-api";

    private final SendLedger ledger;
    private final ProducerTemplate producer;
    private final ExecutorService senders;
    private final SendSettlement settlement;

    public ApiChannelOutboundStage(SendLedger ledger, ProducerTemplate producer,
                                   @Value("${custarea.channels.api.callback-concurrency:16}") int concurrency,
                                   SendSettlement settlement) {
        this.ledger = ledger;
        this.producer = producer;
        this.settlement = settlement;
        this.senders = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "api-callback-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public TopicSpec<OutboundMessage> input() {
        return Topics.outbound(Channel.API);
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<OutboundMessage>> batch) {
        Map<UUID, StageRecord<OutboundMessage>> records = batch.stream().collect(Collectors.toMap(
                record -> record.payload().messageId(), Function.identity(), (first, again) -> first));
        // the receiver deduplicates by delivery id, so a send whose outcome is unknown is safe to repeat
        List<SendLedger.Claim> claims = ledger.claim(records.values().stream().map(StageRecord::payload).toList(),
                SendLedger.UnknownOutcome.RESEND);

        List<CompletableFuture<SendAttempt>> sends = new ArrayList<>();
        List<OutgoingRecord> output = new ArrayList<>();
        for (SendLedger.Claim claim : claims) {
            switch (claim.state()) {
                case CLAIMED -> sends.add(CompletableFuture.supplyAsync(() -> send(claim.message()), senders));
                case OUTCOME_UNKNOWN -> output.add(DeliveryReports.of(claim.message(), SendOutcome.failed(
                        claim.message().messageId(), "outcome-unknown", "outcome of an earlier attempt is unknown")));
                case ALREADY_SENT, ALREADY_FAILED -> {
                    // a redelivery: the first delivery sent (or gave up on) it and reported it
                }
            }
        }
        List<SendAttempt> attempts = sends.stream().map(CompletableFuture::join).toList();
        // every failure that is not parked is dead-lettered, for replay once the receiver is fixed
        output.addAll(settlement.settle(records, attempts, outcome -> true, STAGE));
        return output;
    }

    private SendAttempt send(OutboundMessage message) {
        return settlement.guarded("api", message.channelId(), message, () -> call(message));
    }

    private SendAttempt call(OutboundMessage message) {
        try (var correlation = Correlation.scope(message.correlationId())) {
            producer.requestBody(ApiCallbackRoute.ENDPOINT, message);
            return SendAttempt.of(SendOutcome.sent(message.messageId(), message.messageId().toString()));
        } catch (CamelExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (ProviderCallErrorHandling.isRetryable(cause)) {
                return new SendAttempt(SendOutcome.retryable(message.messageId(), errorCode(cause), describe(cause)),
                        ProviderCallErrorHandling.retryAfter(cause));
            }
            return SendAttempt.of(SendOutcome.failed(message.messageId(), errorCode(cause), describe(cause)));
        }
    }

    private static String errorCode(Throwable cause) {
        if (cause instanceof HttpOperationFailedException http) {
            return "http-" + http.getStatusCode();
        }
        if (cause instanceof PermanentFailure permanent) {
            return permanent.code();
        }
        return ProviderCallErrorHandling.isRetryable(cause) ? "retries-exhausted" : "send-failed";
    }

    private static String describe(Throwable cause) {
        if (cause instanceof HttpOperationFailedException http) {
            return "The callback answered " + http.getStatusCode() + " " + http.getStatusText();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    @PreDestroy
    void stopSenders() {
        senders.shutdown();
    }
}
