package com.custarea.app.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.HmacSignatures;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Six-digit sign-in codes: stored as HMACs under the token key (a leaked table does not reveal them), valid for a
 * few minutes, single use, and only a few guesses each; comparisons are constant-time.
 */
@Repository
public class OneTimeCodes {

    static final int MAX_ATTEMPTS = 5;

    private final NamedParameterJdbcTemplate jdbc;
    private final JwtKeys keys;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    public OneTimeCodes(NamedParameterJdbcTemplate jdbc, JwtKeys keys,
                        @Value("${custarea.security.otp-lifetime:10m}") Duration lifetime) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.lifetime = lifetime;
    }

    /** A new code for {@code email}; earlier unused codes of the address stop working. */
    @Transactional
    public String issue(String email) {
        String code = String.format("%06d", random.nextInt(1_000_000));
        jdbc.update("UPDATE otp_codes SET consumed_at = now() WHERE email = :email AND consumed_at IS NULL",
                Map.of("email", email));
        jdbc.update("""
                INSERT INTO otp_codes (id, email, code_hash, expires_at) VALUES (:id, :email, :hash, :expiresAt)
                """, new MapSqlParameterSource().addValue("id", UUID.randomUUID()).addValue("email", email)
                .addValue("hash", hash(email, code)).addValue("expiresAt", Timestamp.from(Instant.now().plus(lifetime))));
        return code;
    }

    /** Whether {@code code} is the live code of {@code email}; a right code is used up, a wrong one spends a guess. */
    @Transactional
    public boolean redeem(String email, String code) {
        Optional<Live> live = jdbc.query("""
                SELECT id, code_hash, attempts FROM otp_codes
                WHERE email = :email AND consumed_at IS NULL AND expires_at > now()
                ORDER BY created_at DESC LIMIT 1 FOR UPDATE
                """, Map.of("email", email), (row, i) -> new Live(row.getObject("id", UUID.class),
                row.getString("code_hash"), row.getInt("attempts"))).stream().findFirst();
        if (live.isEmpty() || live.get().attempts() >= MAX_ATTEMPTS) {
            return false;
        }
        boolean matches = HmacSignatures.constantTimeEquals(live.get().codeHash(), hash(email, code == null ? "" : code));
        jdbc.update("""
                UPDATE otp_codes SET attempts = attempts + 1,
                                     consumed_at = CASE WHEN :matches THEN now() ELSE consumed_at END
                WHERE id = :id
                """, new MapSqlParameterSource().addValue("matches", matches).addValue("id", live.get().id()));
        return matches;
    }

    public Duration lifetime() {
        return lifetime;
    }

    private String hash(String email, String code) {
        return HmacSignatures.sha256Hex(java.util.Base64.getEncoder().encodeToString(keys.signingKey().getEncoded()),
                (email + ":" + code).getBytes(StandardCharsets.UTF_8));
    }

    private record Live(UUID id, String codeHash, int attempts) {
    }
}
