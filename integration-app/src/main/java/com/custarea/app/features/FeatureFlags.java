package com.custarea.app.features;

import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/** Per-tenant feature flags (the seed's featureController): a key is on or off; an unset key is off. */
@Service
public class FeatureFlags {

    private final NamedParameterJdbcTemplate jdbc;

    public FeatureFlags(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Map<String, Boolean> all(UUID tenantId) {
        Map<String, Boolean> flags = new TreeMap<>();
        jdbc.query("SELECT key, enabled FROM feature_flags WHERE tenant_id = :tenantId", Map.of("tenantId", tenantId),
                row -> {
                    flags.put(row.getString("key"), row.getBoolean("enabled"));
                });
        return flags;
    }

    public boolean isEnabled(UUID tenantId, String key) {
        return all(tenantId).getOrDefault(key, false);
    }

    public void set(UUID tenantId, String key, boolean enabled) {
        jdbc.update("""
                INSERT INTO feature_flags (tenant_id, key, enabled) VALUES (:tenantId, :key, :enabled)
                ON CONFLICT (tenant_id, key) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()
                """, Map.of("tenantId", tenantId, "key", key, "enabled", enabled));
    }
}
