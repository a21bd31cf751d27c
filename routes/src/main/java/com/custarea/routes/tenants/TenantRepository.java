package com.custarea.routes.tenants;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Tenants: the organisations whose data CustArea keeps apart. */
@Repository
public class TenantRepository {

    private final NamedParameterJdbcTemplate jdbc;

    public TenantRepository(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public UUID create(String name) {
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO tenants (id, name) VALUES (:id, :name)", Map.of("id", id, "name", name));
        return id;
    }

    public Optional<String> findName(UUID tenantId) {
        return jdbc.query("SELECT name FROM tenants WHERE id = :id", Map.of("id", tenantId),
                (row, i) -> row.getString("name")).stream().findFirst();
    }
}
