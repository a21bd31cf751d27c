package com.custarea.app.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Refresh tokens: random, stored only as SHA-256 hashes, rotated on every use. A token that was already rotated
 * being presented again means it leaked: its whole family (the sign-in) is revoked.
 */
@Service
public class RefreshTokens {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokens.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final UserRepository users;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    public RefreshTokens(NamedParameterJdbcTemplate jdbc, UserRepository users,
                         @Value("${custarea.security.refresh-token-lifetime:30d}") Duration lifetime) {
        this.jdbc = jdbc;
        this.users = users;
        this.lifetime = lifetime;
    }

    /** A new refresh token starting a new family (a sign-in). */
    @Transactional
    public String issue(Caller caller) {
        return issue(caller, UUID.randomUUID());
    }

    /**
     * Exchanges {@code token} for a new one of the same family, and returns its user. A refusal still commits
     * (the revocation of a replayed token's family must stick).
     */
    @Transactional(noRollbackFor = ProblemException.class)
    public Rotation rotate(String token) {
        Stored stored = find(token).orElseThrow(RefreshTokens::invalid);
        if (stored.revoked()) {
            throw invalid();
        }
        if (stored.rotated()) {
            revokeFamily(stored.familyId());
            LOG.warn("A rotated refresh token was presented again: revoked its family {}", stored.familyId());
            throw invalid();
        }
        if (stored.expiresAt().isBefore(Instant.now())) {
            throw invalid();
        }
        int marked = jdbc.update("UPDATE refresh_tokens SET rotated_at = now() WHERE id = :id AND rotated_at IS NULL",
                Map.of("id", stored.id()));
        if (marked != 1) {
            // a concurrent rotation of the same token won: treat this one as a replay
            revokeFamily(stored.familyId());
            throw invalid();
        }
        User user = users.findById(stored.tenantId(), stored.userId()).filter(found -> !found.disabled())
                .orElseThrow(RefreshTokens::invalid);
        return new Rotation(user, issue(user.asCaller(), stored.familyId()));
    }

    /** Revokes the family of {@code token} (sign-out); unknown tokens are ignored. */
    @Transactional
    public void revoke(String token) {
        find(token).ifPresent(stored -> revokeFamily(stored.familyId()));
    }

    private String issue(Caller caller, UUID familyId) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        jdbc.update("""
                INSERT INTO refresh_tokens (id, user_id, tenant_id, family_id, token_hash, expires_at)
                VALUES (:id, :userId, :tenantId, :familyId, :hash, :expiresAt)
                """, new MapSqlParameterSource().addValue("id", UUID.randomUUID())
                .addValue("userId", caller.userId()).addValue("tenantId", caller.tenantId())
                .addValue("familyId", familyId).addValue("hash", hash(token))
                .addValue("expiresAt", Timestamp.from(Instant.now().plus(lifetime))));
        return token;
    }

    private Optional<Stored> find(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return jdbc.query("""
                SELECT id, user_id, tenant_id, family_id, expires_at, rotated_at IS NOT NULL AS rotated,
                       revoked_at IS NOT NULL AS revoked
                FROM refresh_tokens WHERE token_hash = :hash FOR UPDATE
                """, Map.of("hash", hash(token)), (row, i) -> new Stored(row.getObject("id", UUID.class),
                row.getObject("user_id", UUID.class), row.getObject("tenant_id", UUID.class),
                row.getObject("family_id", UUID.class), row.getTimestamp("expires_at").toInstant(),
                row.getBoolean("rotated"), row.getBoolean("revoked"))).stream().findFirst();
    }

    private void revokeFamily(UUID familyId) {
        jdbc.update("UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = :family AND revoked_at IS NULL",
                Map.of("family", familyId));
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ProblemException invalid() {
        return ProblemException.unauthorized("invalid-refresh-token",
                "The refresh token is unknown, expired, revoked or already used");
    }

    /** A rotated token and its user. */
    public record Rotation(User user, String refreshToken) {
    }

    private record Stored(UUID id, UUID userId, UUID tenantId, UUID familyId, Instant expiresAt, boolean rotated,
                          boolean revoked) {
    }
}
