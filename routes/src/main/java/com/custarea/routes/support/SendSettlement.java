package com.custarea.routes.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.custarea.schemas.OutboundMessage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What outbound stages do around and after their provider calls: each call goes through its endpoint's circuit
 * breaker, and the outcomes are recorded in the send ledger; a transient failure (after the in-place retries, or an
 * open circuit) parks the message to be tried again no sooner than the provider's Retry-After, until
 * {@code custarea.providers.park-limit}; the rest is reported on delivery.status, and failures the stage names are
 * dead-lettered for replay.
 */
@Component
public class SendSettlement {

    private final SendLedger ledger;
    private final ProviderCircuitBreakers breakers;
    private final ParkedSends parked;
    private final Duration parkDelay;
    private final Duration parkLimit;
    private final RecordTracing tracing;

    public SendSettlement(SendLedger ledger, ProviderCircuitBreakers breakers, ParkedSends parked, RecordTracing tracing,
                          @Value("${custarea.providers.park-delay:30s}") Duration parkDelay,
                          @Value("${custarea.providers.park-limit:24h}") Duration parkLimit) {
        this.ledger = ledger;
        this.breakers = breakers;
        this.parked = parked;
        this.parkDelay = parkDelay;
        this.parkLimit = parkLimit;
        this.tracing = tracing;
    }

    /**
     * Makes {@code call} for {@code message} through the circuit of {@code provider}'s {@code endpoint}: no call while
     * it is open (a retryable outcome), and the call's outcome counted for or against it. The call is a span of the
     * message's trace ({@code send <provider>}).
     */
    public SendAttempt guarded(String provider, Object endpoint, OutboundMessage message, Supplier<SendAttempt> call) {
        CircuitBreaker breaker = breakers.of(provider, endpoint);
        if (!breaker.tryAcquirePermission()) {
            return new SendAttempt(SendOutcome.retryable(message.messageId(), ParkedSends.CIRCUIT_OPEN,
                    "The endpoint kept failing; no call for " + breakers.openFor()),
                    Optional.of(breakers.openFor()));
        }
        long started = System.nanoTime();
        SendAttempt attempt = tracing.inSpan("send " + provider, message.eventId(), call);
        long elapsed = System.nanoTime() - started;
        if (attempt.outcome().result() == SendOutcome.Result.RETRYABLE) {
            breaker.onError(elapsed, TimeUnit.NANOSECONDS,
                    new PermanentFailure(attempt.outcome().errorCode(), attempt.outcome().error()));
        } else {
            // a refusal for good still means the endpoint answers
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        }
        return attempt;
    }

    /**
     * Records {@code attempts} and returns what to publish: delivery reports for the sent and failed ones, dead
     * letters for failures {@code deadLetter} names (and those given up on); parked ones publish nothing yet.
     */
    public List<OutgoingRecord> settle(Map<UUID, StageRecord<OutboundMessage>> records, List<SendAttempt> attempts,
                                       Predicate<SendOutcome> deadLetter, String stage) {
        ledger.recordAll(attempts.stream().map(SendAttempt::outcome).toList());
        List<OutgoingRecord> output = new ArrayList<>();
        List<SendOutcome> givenUp = new ArrayList<>();
        List<UUID> done = new ArrayList<>();
        for (SendAttempt attempt : attempts) {
            SendOutcome outcome = attempt.outcome();
            StageRecord<OutboundMessage> record = records.get(outcome.messageId());
            boolean gaveUp = false;
            if (outcome.result() == SendOutcome.Result.RETRYABLE) {
                Duration wait = attempt.retryAfter().filter(after -> after.compareTo(parkDelay) > 0)
                        .orElse(parkDelay);
                ParkedSends.Parked parking = parked.park(record.payload(), outcome.errorCode(),
                        Instant.now().plus(wait));
                if (parking.since().plus(parkLimit).isAfter(Instant.now())) {
                    continue;
                }
                outcome = SendOutcome.failed(outcome.messageId(), parking.reason(), "The endpoint kept failing for "
                        + parkLimit + " (last error from the endpoint: " + parking.reason() + ")");
                givenUp.add(outcome);
                gaveUp = true;
            }
            done.add(outcome.messageId());
            output.add(DeliveryReports.of(record.payload(), outcome));
            if (outcome.result() != SendOutcome.Result.SENT && (gaveUp || deadLetter.test(outcome))) {
                output.add(DeadLetters.of(record, new PermanentFailure(outcome.errorCode(), outcome.error()), stage));
            }
        }
        ledger.recordAll(givenUp);
        parked.forget(done);
        return output;
    }
}
