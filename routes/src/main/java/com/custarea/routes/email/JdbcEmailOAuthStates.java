package com.custarea.routes.email;

import java.sql.Timestamp;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** The pending OAuth authorizations in PostgreSQL ({@code email_oauth_states}). */
@Repository
public class JdbcEmailOAuthStates implements EmailOAuthStates {

    private final NamedParameterJdbcTemplate jdbc;

    public JdbcEmailOAuthStates(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Also removes expired authorizations (consent screens abandoned), so the table holds only live ones. */
    @Override
    public void save(PendingAuthorization pending) {
        jdbc.update("""
                WITH abandoned AS (DELETE FROM email_oauth_states WHERE expires_at <= now())
                INSERT INTO email_oauth_states (state_hash, tenant_id, user_id, provider, code_verifier, expires_at)
                VALUES (:stateHash, :tenantId, :userId, :provider, :codeVerifier, :expiresAt)
                """, new MapSqlParameterSource()
                .addValue("stateHash", pending.stateHash())
                .addValue("tenantId", pending.tenantId())
                .addValue("userId", pending.userId())
                .addValue("provider", pending.provider().wireName())
                .addValue("codeVerifier", pending.sealedCodeVerifier())
                .addValue("expiresAt", Timestamp.from(pending.expiresAt())));
    }

    @Override
    public Optional<PendingAuthorization> consume(String stateHash, EmailProvider provider) {
        return jdbc.query("""
                DELETE FROM email_oauth_states
                WHERE state_hash = :stateHash AND provider = :provider AND expires_at > now()
                RETURNING state_hash, tenant_id, user_id, provider, code_verifier, expires_at
                """, new MapSqlParameterSource()
                .addValue("stateHash", stateHash)
                .addValue("provider", provider.wireName()),
                (row, i) -> new PendingAuthorization(row.getString("state_hash"),
                        row.getObject("tenant_id", UUID.class), row.getObject("user_id", UUID.class),
                        EmailProvider.fromWireName(row.getString("provider")), row.getString("code_verifier"),
                        row.getTimestamp("expires_at").toInstant()))
                .stream().findFirst();
    }
}
