package com.custarea.routes.api;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.ProblemException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Caps the requests a channel's system may make per second (the channel setting {@value #SETTING}, else
 * {@code custarea.channels.api.rate-limit-per-second}); over it, 429 with Retry-After and nothing is stored. Counted
 * after the signature is verified, so nobody but the channel's own system can spend its allowance.
 */
@Component
public class ApiChannelRateLimits {

    /** Channel setting: requests per second this channel may make. */
    public static final String SETTING = "rateLimitPerSecond";
    private static final Duration PERIOD = Duration.ofSeconds(1);

    private final int defaultPerSecond;
    private final Cache<UUID, RateLimiter> limiters;

    public ApiChannelRateLimits(@Value("${custarea.channels.api.rate-limit-per-second:1000}") int defaultPerSecond,
                                @Value("${custarea.channels.cache-ttl:30s}") Duration cacheTtl) {
        this.defaultPerSecond = defaultPerSecond;
        // a changed setting takes effect when the limiter is rebuilt
        this.limiters = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(cacheTtl).build();
    }

    /** Counts a request of {@code channel}; a 429 problem when the channel is over its limit. */
    void acquire(ChannelSettings channel) {
        RateLimiter limiter = limiters.get(channel.id(), id -> RateLimiter.of("api-channel:" + id,
                RateLimiterConfig.custom().limitForPeriod(limitOf(channel)).limitRefreshPeriod(PERIOD)
                        .timeoutDuration(Duration.ZERO).build()));
        if (!limiter.acquirePermission()) {
            throw new ProblemException(429, "rate-limited", "Too many requests", "The channel may make at most "
                    + limiter.getRateLimiterConfig().getLimitForPeriod() + " requests per second; retry later",
                    List.of(), PERIOD);
        }
    }

    private int limitOf(ChannelSettings channel) {
        return channel.setting(SETTING).map(value -> {
            try {
                return Math.max(1, Integer.parseInt(value.trim()));
            } catch (NumberFormatException e) {
                return defaultPerSecond;
            }
        }).orElse(defaultPerSecond);
    }
}
