package com.custarea.routes.channels;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.SecretCipher;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.core.type.TypeReference;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Finds and creates tenants' channels. Lookups are cached briefly since every inbound request and every record of
 * the pipeline needs its channel; a change is visible everywhere within the cache's lifetime.
 */
@Service
public class ChannelRegistry {

    private static final java.util.regex.Pattern SETTING_NAME = java.util.regex.Pattern.compile("[A-Za-z]{1,64}");
    /** The unique indexes (V15) that keep a provider address on one enabled channel, by the setting they cover. */
    private static final Map<String, String> UNIQUE_ADDRESSES = Map.of(
            "channels_twilio_phone_number_unique", "phoneNumber",
            "channels_twilio_messaging_service_unique", "messagingServiceSid");
    private static final TypeReference<Map<String, String>> SETTINGS = new TypeReference<>() {
    };

    private final NamedParameterJdbcTemplate jdbc;
    private final SecretCipher cipher;
    private final LoadingCache<UUID, Optional<ChannelSettings>> cache;
    /** Decrypted secrets, kept as briefly as the settings: every signed request needs one, and AES-GCM is not free. */
    private final Cache<String, String> secrets;
    /** Channels by an address a provider calls with (a Twilio number, a messaging service). */
    private final LoadingCache<Address, Optional<UUID>> addresses;

    /**
     * Lookups are reloaded {@code cacheTtl} after they were loaded; while PostgreSQL cannot answer, the last answer
     * stands for up to {@code staleLimit}, so webhooks keep being verified and acknowledged through a database
     * outage (their records wait in Kafka for the database to come back).
     */
    public ChannelRegistry(NamedParameterJdbcTemplate jdbc, SecretCipher cipher,
                           @Value("${custarea.channels.cache-ttl:30s}") Duration cacheTtl,
                           @Value("${custarea.channels.stale-limit:1h}") Duration staleLimit) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.cache = Caffeine.newBuilder().maximumSize(50_000).refreshAfterWrite(cacheTtl)
                .expireAfterWrite(staleLimit).build(this::load);
        this.secrets = Caffeine.newBuilder().maximumSize(50_000).expireAfterAccess(staleLimit).build();
        this.addresses = Caffeine.newBuilder().maximumSize(50_000).refreshAfterWrite(cacheTtl)
                .expireAfterWrite(staleLimit).build(this::channelAt);
    }

    /** The channel {@code channelId}, whatever its tenant: for webhooks, where the channel tells the tenant. */
    public Optional<ChannelSettings> find(UUID channelId) {
        return cache.get(channelId);
    }

    /** The channel {@code channelId} if it belongs to {@code tenantId}. */
    public Optional<ChannelSettings> find(UUID tenantId, UUID channelId) {
        return find(channelId).filter(channel -> channel.tenantId().equals(tenantId));
    }

    /**
     * The enabled channel of {@code type} whose setting {@code setting} is {@code value}, whatever its tenant: for
     * webhooks that name the receiving address (the number a Twilio message was sent to). When two tenants configured
     * the same address, the oldest channel answers.
     */
    public Optional<ChannelSettings> findByAddress(Channel type, String setting, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        if (!SETTING_NAME.matcher(setting).matches()) {
            throw new IllegalArgumentException("Not a setting name: " + setting);
        }
        return addresses.get(new Address(type, setting, value)).flatMap(this::find);
    }

    private Optional<UUID> channelAt(Address address) {
        // the setting is inlined (it is one of our names, never input) so the expression index on it applies
        return jdbc.query("SELECT id FROM channels WHERE type = :type AND config ->> '" + address.setting()
                        + "' = :value AND enabled ORDER BY created_at LIMIT 1",
                new MapSqlParameterSource().addValue("type", address.type().wireName())
                        .addValue("value", address.value()),
                (row, i) -> row.getObject("id", UUID.class)).stream().findFirst();
    }

    /** An address a provider calls a channel by. */
    private record Address(Channel type, String setting, String value) {
    }

    /** The plaintext secret of {@code channel}. */
    public Optional<String> secretOf(ChannelSettings channel) {
        return Optional.ofNullable(channel.sealedSecret())
                .map(sealed -> secrets.get(sealed, key -> cipher.decrypt(key, channel.tenantId().toString())));
    }

    /**
     * Creates a channel; {@code secret} is sealed under the master key before it is stored. {@link
     * AddressTakenException} when another enabled channel of the type already receives on its Twilio number or
     * messaging service.
     */
    public ChannelSettings create(UUID tenantId, Channel type, String name, Map<String, String> settings,
                                  String secret, boolean aiAgentEnabled) {
        UUID id = UUID.randomUUID();
        String sealed = secret == null ? null : cipher.encrypt(secret, tenantId.toString());
        uniqueAddresses(type, settings, () -> jdbc.update("""
                INSERT INTO channels (id, tenant_id, type, name, config, secret_ciphertext, ai_agent_enabled)
                VALUES (:id, :tenantId, :type, :name, CAST(:config AS jsonb), :secret, :ai)
                """, new MapSqlParameterSource()
                .addValue("id", id)
                .addValue("tenantId", tenantId)
                .addValue("type", type.wireName())
                .addValue("name", name)
                .addValue("config", PayloadJson.write(new LinkedHashMap<>(settings)))
                .addValue("secret", sealed)
                .addValue("ai", aiAgentEnabled)));
        cache.invalidate(id);
        addresses.invalidateAll();
        return new ChannelSettings(id, tenantId, type, name, settings, aiAgentEnabled, true, sealed);
    }

    /** Replaces the non-secret settings of a channel of {@code tenantId}; false when the tenant has no such channel. */
    public boolean updateSettings(UUID tenantId, UUID channelId, Map<String, String> settings) {
        int updated = uniqueAddresses(find(tenantId, channelId).map(ChannelSettings::type).orElse(null),
                settings, () -> jdbc.update("""
                UPDATE channels SET config = CAST(:config AS jsonb), updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, new MapSqlParameterSource()
                .addValue("config", PayloadJson.write(new LinkedHashMap<>(settings)))
                .addValue("id", channelId)
                .addValue("tenantId", tenantId)));
        cache.invalidate(channelId);
        addresses.invalidateAll();
        return updated == 1;
    }

    /**
     * Changes a channel of {@code tenantId}: the name, the settings, the secret (sealed before it is stored) and
     * whether it is enabled; null leaves a field alone. False when the tenant has no such channel; {@link
     * AddressTakenException} when the change would put the channel on an address another enabled channel has.
     */
    public boolean update(UUID tenantId, UUID channelId, String name, Map<String, String> settings, String secret,
                          Boolean enabled) {
        int updated = uniqueAddresses(find(tenantId, channelId).map(ChannelSettings::type).orElse(null),
                settings, () -> jdbc.update("""
                UPDATE channels SET name = COALESCE(CAST(:name AS text), name),
                                    config = COALESCE(CAST(:config AS jsonb), config),
                                    secret_ciphertext = COALESCE(CAST(:secret AS text), secret_ciphertext),
                                    enabled = COALESCE(CAST(:enabled AS boolean), enabled),
                                    updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, new MapSqlParameterSource()
                .addValue("name", name)
                .addValue("config", settings == null ? null : PayloadJson.write(new LinkedHashMap<>(settings)))
                .addValue("secret", secret == null ? null : cipher.encrypt(secret, tenantId.toString()))
                .addValue("enabled", enabled)
                .addValue("id", channelId)
                .addValue("tenantId", tenantId)));
        cache.invalidate(channelId);
        addresses.invalidateAll();
        return updated == 1;
    }

    /** Runs {@code write}, turning a violation of a unique address index into {@link AddressTakenException}. */
    private static <T> T uniqueAddresses(Channel type, Map<String, String> settings,
                                         java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (DuplicateKeyException e) {
            String message = String.valueOf(e.getMostSpecificCause().getMessage());
            Map.Entry<String, String> index = UNIQUE_ADDRESSES.entrySet().stream()
                    .filter(entry -> message.contains(entry.getKey())).findFirst().orElseThrow(() -> e);
            String setting = index.getValue();
            throw new AddressTakenException(type, setting, settings == null ? null : settings.get(setting));
        }
    }

    /** A channel's provider address (a Twilio number or messaging service) that another enabled channel has. */
    public static class AddressTakenException extends RuntimeException {

        private final String setting;

        public AddressTakenException(Channel type, String setting, String value) {
            super("The " + setting + (value == null ? "" : " " + value) + " already belongs to another"
                    + (type == null ? "" : " " + type.wireName()) + " channel");
            this.setting = setting;
        }

        /** The setting whose value is taken. */
        public String setting() {
            return setting;
        }
    }

    /** Every channel of {@code tenantId}, oldest first. */
    public List<ChannelSettings> list(UUID tenantId) {
        return jdbc.query("""
                SELECT id, tenant_id, type, name, config, ai_agent_enabled, enabled, secret_ciphertext
                FROM channels WHERE tenant_id = :tenantId ORDER BY created_at
                """, Map.of("tenantId", tenantId), ChannelRegistry::map);
    }

    /** Turns the AI agent on or off for a channel of {@code tenantId}; false when the tenant has no such channel. */
    public boolean setAiAgentEnabled(UUID tenantId, UUID channelId, boolean enabled) {
        int updated = jdbc.update("""
                UPDATE channels SET ai_agent_enabled = :enabled, updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, Map.of("enabled", enabled, "id", channelId, "tenantId", tenantId));
        cache.invalidate(channelId);
        addresses.invalidateAll();
        return updated == 1;
    }

    private Optional<ChannelSettings> load(UUID channelId) {
        return jdbc.query("""
                SELECT id, tenant_id, type, name, config, ai_agent_enabled, enabled, secret_ciphertext
                FROM channels WHERE id = :id
                """, Map.of("id", channelId), ChannelRegistry::map).stream().findFirst();
    }

    private static ChannelSettings map(ResultSet row, int index) throws SQLException {
        return new ChannelSettings(
                row.getObject("id", UUID.class),
                row.getObject("tenant_id", UUID.class),
                Channel.fromWireName(row.getString("type")),
                row.getString("name"),
                readSettings(row.getString("config")),
                row.getBoolean("ai_agent_enabled"),
                row.getBoolean("enabled"),
                row.getString("secret_ciphertext"));
    }

    private static Map<String, String> readSettings(String json) {
        try {
            return PayloadJson.mapper().readValue(json, SETTINGS);
        } catch (Exception e) {
            throw new IllegalStateException("A channel's config is not a JSON object of strings", e);
        }
    }
}
