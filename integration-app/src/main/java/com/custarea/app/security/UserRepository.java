package com.custarea.app.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Dashboard users; e-mail addresses are unique across tenants, since signing in names only the address. */
@Repository
public class UserRepository {

    private static final String COLUMNS = "id, tenant_id, email, name, role, disabled, password_hash, created_at";

    private final NamedParameterJdbcTemplate jdbc;

    public UserRepository(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public User create(UUID tenantId, String email, String name, String passwordHash, Role role) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO users (id, tenant_id, email, name, password_hash, role)
                VALUES (:id, :tenantId, :email, :name, :hash, :role)
                """, new MapSqlParameterSource().addValue("id", id).addValue("tenantId", tenantId)
                .addValue("email", normalise(email)).addValue("name", name).addValue("hash", passwordHash)
                .addValue("role", role.wireName()));
        return findById(tenantId, id).orElseThrow();
    }

    public Optional<User> findByEmail(String email) {
        return jdbc.query("SELECT " + COLUMNS + " FROM users WHERE email = :email",
                Map.of("email", normalise(email)), UserRepository::map).stream().findFirst();
    }

    public Optional<User> findById(UUID tenantId, UUID id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM users WHERE id = :id AND tenant_id = :tenantId",
                Map.of("id", id, "tenantId", tenantId), UserRepository::map).stream().findFirst();
    }

    public List<User> list(UUID tenantId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM users WHERE tenant_id = :tenantId ORDER BY created_at",
                Map.of("tenantId", tenantId), UserRepository::map);
    }

    public static String normalise(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }

    private static User map(ResultSet row, int index) throws SQLException {
        return new User(row.getObject("id", UUID.class), row.getObject("tenant_id", UUID.class),
                row.getString("email"), row.getString("name"), Role.fromWireName(row.getString("role")),
                row.getBoolean("disabled"), row.getString("password_hash"),
                row.getTimestamp("created_at").toInstant());
    }
}
