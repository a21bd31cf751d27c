package com.custarea.routes.email;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.SecretCipher;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tenants' e-mail accounts: each is an e-mail channel (so the pipeline treats its mail like any channel's) plus a row
 * of mailbox state; credentials are the channel's sealed secret. Every lookup is scoped by tenant except those a
 * verified provider call makes (by address, by subscription), which tell the tenant.
 */
@Repository
public class EmailAccounts {

    /** Channel setting: the provider (ses, gmail, outlook). */
    public static final String PROVIDER = "provider";
    /** Channel setting: the account's address, as the threading tests and the sandbox already use it. */
    public static final String ADDRESS = "address";

    private static final String COLUMNS = """
            channel_id, tenant_id, provider, address, display_name, signature, status, status_reason, sync_cursor,
            last_synced_at, watch_id, watch_expires_at, created_at""";

    private final NamedParameterJdbcTemplate jdbc;
    private final ChannelRegistry channels;
    private final SecretCipher cipher;
    private final TransactionTemplate transaction;

    public EmailAccounts(NamedParameterJdbcTemplate jdbc, ChannelRegistry channels, SecretCipher cipher,
                         TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.channels = channels;
        this.cipher = cipher;
        this.transaction = transaction;
    }

    /** What a new account is made of; {@code credentials} is the secret to seal (null: none yet). */
    public record NewAccount(UUID tenantId, EmailProvider provider, String address, String displayName,
                             String signature, String credentials, boolean aiAgentEnabled) {
    }

    /**
     * Creates the account and its channel in one transaction; {@link AddressTakenException} when the provider's
     * address already belongs to an account (of any tenant: inbound mail must find exactly one).
     */
    public EmailAccount create(NewAccount account) {
        String address = EmailAddress.of(account.address()).address();
        return transaction.execute(tx -> {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put(PROVIDER, account.provider().wireName());
            settings.put(ADDRESS, address);
            ChannelSettings channel = channels.create(account.tenantId(), Channel.EMAIL,
                    account.displayName() == null ? address : account.displayName() + " <" + address + ">",
                    settings, account.credentials(), account.aiAgentEnabled());
            try {
                jdbc.update("""
                        INSERT INTO email_accounts (channel_id, tenant_id, provider, address, display_name, signature)
                        VALUES (:channelId, :tenantId, :provider, :address, :displayName, :signature)
                        """, new MapSqlParameterSource().addValue("channelId", channel.id())
                        .addValue("tenantId", account.tenantId()).addValue("provider", account.provider().wireName())
                        .addValue("address", address).addValue("displayName", account.displayName())
                        .addValue("signature", account.signature()));
            } catch (DuplicateKeyException e) {
                throw new AddressTakenException(account.provider(), address);
            }
            return find(account.tenantId(), channel.id()).orElseThrow();
        });
    }

    /** The account of {@code tenantId} whose channel is {@code channelId}. */
    public Optional<EmailAccount> find(UUID tenantId, UUID channelId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_accounts WHERE tenant_id = :tenantId AND channel_id = :id",
                Map.of("tenantId", tenantId, "id", channelId), EmailAccounts::map).stream().findFirst();
    }

    /** The account of the channel {@code channelId}, whatever its tenant (the outbound stage has the channel). */
    public Optional<EmailAccount> find(UUID channelId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_accounts WHERE channel_id = :id",
                Map.of("id", channelId), EmailAccounts::map).stream().findFirst();
    }

    /** Every account of {@code tenantId}, oldest first. */
    public List<EmailAccount> list(UUID tenantId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_accounts WHERE tenant_id = :tenantId ORDER BY created_at",
                Map.of("tenantId", tenantId), EmailAccounts::map);
    }

    /** The account of {@code provider} at {@code address}: what a verified webhook names. */
    public Optional<EmailAccount> findByAddress(EmailProvider provider, String address) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_accounts WHERE provider = :provider AND address = :address",
                Map.of("provider", provider.wireName(), "address", EmailAddress.of(address).address()),
                EmailAccounts::map).stream().findFirst();
    }

    /** The Outlook account whose Graph subscription is {@code subscriptionId}. */
    public Optional<EmailAccount> findByWatch(String subscriptionId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_accounts WHERE watch_id = :id",
                Map.of("id", subscriptionId), EmailAccounts::map).stream().findFirst();
    }

    /** The active accounts of {@code provider}, for the sync and renewal rounds. */
    public List<EmailAccount> active(EmailProvider provider) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_accounts WHERE provider = :provider AND status = 'active'",
                Map.of("provider", provider.wireName()), EmailAccounts::map);
    }

    /** The account's credentials (decrypted), when it has any. */
    public Optional<String> credentialsOf(EmailAccount account) {
        return channels.find(account.tenantId(), account.channelId()).flatMap(channels::secretOf);
    }

    /** The account's OAuth refresh token, when its credentials hold one. */
    public Optional<String> refreshTokenOf(EmailAccount account) {
        return credentialsOf(account).map(PayloadJson::tree).map(json -> json.path("refreshToken"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).filter(token -> !token.isBlank());
    }

    /** Replaces the account's credentials and marks it active again (a new grant ends a needs_reauth). */
    public void storeRefreshToken(UUID tenantId, UUID channelId, String refreshToken) {
        transaction.executeWithoutResult(tx -> {
            channels.update(tenantId, channelId, null, null,
                    PayloadJson.write(Map.of("refreshToken", refreshToken)), null);
            jdbc.update("""
                    UPDATE email_accounts SET status = 'active', status_reason = NULL, updated_at = now()
                    WHERE tenant_id = :tenantId AND channel_id = :id
                    """, Map.of("tenantId", tenantId, "id", channelId));
        });
    }

    /** Changes the display name and the signature (null leaves one alone); false when the tenant has no such account. */
    public boolean update(UUID tenantId, UUID channelId, String displayName, String signature) {
        return jdbc.update("""
                UPDATE email_accounts SET display_name = COALESCE(CAST(:displayName AS text), display_name),
                                          signature = COALESCE(CAST(:signature AS text), signature),
                                          updated_at = now()
                WHERE tenant_id = :tenantId AND channel_id = :id
                """, new MapSqlParameterSource().addValue("displayName", displayName).addValue("signature", signature)
                .addValue("tenantId", tenantId).addValue("id", channelId)) == 1;
    }

    /** Marks the account as needing a new authorisation, with the provider's reason; visible in the API. */
    public void markNeedsReauth(UUID channelId, String reason) {
        jdbc.update("""
                UPDATE email_accounts SET status = 'needs_reauth', status_reason = :reason, updated_at = now()
                WHERE channel_id = :id
                """, Map.of("id", channelId, "reason", reason == null ? "the provider refused the grant" : reason));
    }

    /** Records how far the mailbox was read (a Gmail history id, a Graph delta link). */
    public void storeSyncCursor(UUID channelId, String cursor) {
        jdbc.update("""
                UPDATE email_accounts SET sync_cursor = :cursor, last_synced_at = now(), updated_at = now()
                WHERE channel_id = :id
                """, Map.of("id", channelId, "cursor", cursor));
    }

    /** Records the account's push subscription: its id (Graph), its secret (sealed) and when it expires. */
    public void storeWatch(EmailAccount account, String watchId, String secret, Instant expires) {
        jdbc.update("""
                UPDATE email_accounts SET watch_id = :watchId, watch_secret = :secret, watch_expires_at = :expires,
                                          updated_at = now()
                WHERE channel_id = :id
                """, new MapSqlParameterSource().addValue("id", account.channelId()).addValue("watchId", watchId)
                .addValue("secret", secret == null ? null : cipher.encrypt(secret, account.tenantId().toString()))
                .addValue("expires", expires == null ? null : Timestamp.from(expires)));
    }

    /** The account's push subscription secret (Graph clientState), decrypted. */
    public Optional<String> watchSecretOf(EmailAccount account) {
        return jdbc.query("SELECT watch_secret FROM email_accounts WHERE channel_id = :id",
                        Map.of("id", account.channelId()), (row, i) -> row.getString("watch_secret")).stream()
                .filter(sealed -> sealed != null).findFirst()
                .map(sealed -> cipher.decrypt(sealed, account.tenantId().toString()));
    }

    private static EmailAccount map(ResultSet row, int index) throws SQLException {
        return new EmailAccount(row.getObject("channel_id", UUID.class), row.getObject("tenant_id", UUID.class),
                EmailProvider.fromWireName(row.getString("provider")), row.getString("address"),
                row.getString("display_name"), row.getString("signature"), row.getString("status"),
                row.getString("status_reason"), row.getString("sync_cursor"), instant(row, "last_synced_at"),
                row.getString("watch_id"), instant(row, "watch_expires_at"), instant(row, "created_at"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    /** An address that already belongs to an account of the same provider. */
    public static class AddressTakenException extends RuntimeException {
        public AddressTakenException(EmailProvider provider, String address) {
            super("The " + provider.wireName() + " address " + address + " already belongs to an e-mail account");
        }
    }
}
