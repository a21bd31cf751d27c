package com.custarea.app.security;

import java.time.Duration;
import java.util.List;

import com.custarea.routes.support.ProblemException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

/**
 * A rate limit per key (an address, a client IP): at most {@code limit} calls per {@code period}, then 429 with
 * Retry-After. Limiters of keys not seen for a while are forgotten.
 */
public final class RateLimits {

    private final String name;
    private final RateLimiterConfig config;
    private final Cache<String, RateLimiter> limiters;

    public RateLimits(String name, int limit, Duration period) {
        this.name = name;
        this.config = RateLimiterConfig.custom()
                .limitForPeriod(limit)
                .limitRefreshPeriod(period)
                .timeoutDuration(Duration.ZERO)
                .build();
        this.limiters = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(period.multipliedBy(2)).build();
    }

    /** Counts a call for {@code key}; a 429 problem when the key is over its limit. */
    public void acquire(String key) {
        RateLimiter limiter = limiters.get(key, ignored -> RateLimiter.of(name + ":" + key, config));
        if (!limiter.acquirePermission()) {
            throw new ProblemException(429, "rate-limited", "Too many requests",
                    "Too many " + name + " requests; retry later", List.of(), config.getLimitRefreshPeriod());
        }
    }
}
