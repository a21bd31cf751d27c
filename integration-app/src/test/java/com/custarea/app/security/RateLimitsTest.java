package com.custarea.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import com.custarea.routes.support.ProblemException;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    @Test
    void eachKeyHasItsOwnBudgetAndTheRefusalSaysWhenToComeBack() {
        RateLimits limits = new RateLimits("sign-in", 2, Duration.ofMinutes(10));

        limits.acquire("10.0.0.1");
        limits.acquire("10.0.0.1");
        assertThatThrownBy(() -> limits.acquire("10.0.0.1"))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(429);
                    assertThat(problem.retryAfter()).isEqualTo(Duration.ofMinutes(10));
                });
        limits.acquire("10.0.0.2");
        limits.acquire("10.0.0.2");
    }
}
