package com.custarea.routes.support;

import java.time.Duration;
import java.util.Locale;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A circuit breaker per provider endpoint (a channel): after enough transient failures it opens and no call is
 * made for {@code custarea.providers.circuit.open-for}; then one trial call decides whether it closes. Transitions
 * are logged and counted ({@code custarea.provider.circuit.transitions}).
 */
@Component
public class ProviderCircuitBreakers {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCircuitBreakers.class);

    private final CircuitBreakerRegistry registry;
    private final Duration openFor;

    public ProviderCircuitBreakers(MeterRegistry meters,
                                   @Value("${custarea.providers.circuit.open-for:30s}") Duration openFor,
                                   @Value("${custarea.providers.circuit.minimum-calls:5}") int minimumCalls,
                                   @Value("${custarea.providers.circuit.failure-rate:50}") float failureRate) {
        this.openFor = openFor;
        this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(Math.max(minimumCalls, 10))
                .minimumNumberOfCalls(minimumCalls)
                .failureRateThreshold(failureRate)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        registry.getEventPublisher().onEntryAdded(added -> added.getAddedEntry().getEventPublisher()
                .onStateTransition(event -> {
                    String to = event.getStateTransition().getToState().name().toLowerCase(Locale.ROOT);
                    LOG.info("Circuit of {} is now {}", event.getCircuitBreakerName(), to);
                    meters.counter("custarea.provider.circuit.transitions", "provider",
                            event.getCircuitBreakerName().substring(0, event.getCircuitBreakerName().indexOf(':')),
                            "to", to).increment();
                }));
    }

    /** The breaker of one endpoint, named {@code provider:endpoint} (for example {@code api:<channel id>}). */
    public CircuitBreaker of(String provider, Object endpoint) {
        return registry.circuitBreaker(provider + ":" + endpoint);
    }

    /** How long an open circuit makes no call. */
    public Duration openFor() {
        return openFor;
    }
}
