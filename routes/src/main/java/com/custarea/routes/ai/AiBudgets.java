package com.custarea.routes.ai;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Per-tenant daily budgets for chat-model requests and tokens (UTC days): a tenant past either gets no model call
 * until the next day, and its conversations are handed to the team instead.
 */
@Service
public class AiBudgets {

    private final NamedParameterJdbcTemplate jdbc;
    private final long requestsPerDay;
    private final long tokensPerDay;

    public AiBudgets(NamedParameterJdbcTemplate jdbc,
                     @Value("${custarea.ai.budget.requests-per-day:2000}") long requestsPerDay,
                     @Value("${custarea.ai.budget.tokens-per-day:2000000}") long tokensPerDay) {
        this.jdbc = jdbc;
        this.requestsPerDay = requestsPerDay;
        this.tokensPerDay = tokensPerDay;
    }

    /** Why the tenant may not call the model today, or empty when it may. */
    public Optional<String> exhausted(UUID tenantId) {
        List<long[]> used = jdbc.query("SELECT requests, tokens FROM ai_usage WHERE tenant_id = :t AND day = :day",
                Map.of("t", tenantId, "day", today()), (row, i) -> new long[] {row.getLong(1), row.getLong(2)});
        if (used.isEmpty()) {
            return Optional.empty();
        }
        if (used.get(0)[0] >= requestsPerDay) {
            return Optional.of("the tenant's daily budget of " + requestsPerDay + " model requests is used up");
        }
        if (used.get(0)[1] >= tokensPerDay) {
            return Optional.of("the tenant's daily budget of " + tokensPerDay + " tokens is used up");
        }
        return Optional.empty();
    }

    /** Counts one model request and the tokens it used. */
    public void record(UUID tenantId, long tokens) {
        jdbc.update("""
                INSERT INTO ai_usage (tenant_id, day, requests, tokens) VALUES (:t, :day, 1, :tokens)
                ON CONFLICT (tenant_id, day) DO UPDATE SET requests = ai_usage.requests + 1,
                                                           tokens = ai_usage.tokens + EXCLUDED.tokens
                """, Map.of("t", tenantId, "day", today(), "tokens", tokens));
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }
}
