package com.custarea.routes.webhooks;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.AfterCommit;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.support.SecretCipher;
import com.custarea.routes.support.SqlArrays;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenants' webhook subscriptions: saved only for URLs the {@link WebhookUrlPolicy} allows, with a generated signing
 * secret sealed at rest. Which subscriptions want an event type is cached per tenant, so tenants without webhooks
 * cost the event stream one map lookup.
 */
@Service
public class WebhookSubscriptions {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final NamedParameterJdbcTemplate jdbc;
    private final SecretCipher cipher;
    private final WebhookUrlPolicy policy;
    private final WebhookSubscriptionUsers users;
    private final Cache<UUID, List<Target>> targets;

    public WebhookSubscriptions(NamedParameterJdbcTemplate jdbc, SecretCipher cipher, WebhookUrlPolicy policy,
                                WebhookSubscriptionUsers users,
                                @Value("${custarea.channels.cache-ttl:30s}") Duration cacheTtl) {
        this.jdbc = jdbc;
        this.users = users;
        this.cipher = cipher;
        this.policy = policy;
        this.targets = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(cacheTtl).build();
    }

    /** Creates a subscription; the answer carries its signing secret, the only time it is shown. */
    public WebhookSubscriptionView create(UUID tenantId, String url, List<String> eventTypes, String description) {
        check(url, eventTypes);
        UUID id = UUID.randomUUID();
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        jdbc.update("""
                INSERT INTO webhook_subscriptions (id, tenant_id, url, event_types, description, secret_ciphertext)
                VALUES (:id, :tenantId, :url, :types, :description, :secret)
                """, new MapSqlParameterSource().addValue("id", id).addValue("tenantId", tenantId)
                .addValue("url", url).addValue("types", SqlArrays.texts(eventTypes))
                .addValue("description", description)
                .addValue("secret", cipher.encrypt(secret, tenantId.toString())));
        targets.invalidate(tenantId);
        return find(tenantId, id).orElseThrow().withSecret(secret);
    }

    public List<WebhookSubscriptionView> list(UUID tenantId) {
        return jdbc.query("SELECT * FROM webhook_subscriptions WHERE tenant_id = :tenantId ORDER BY created_at, id",
                Map.of("tenantId", tenantId), WebhookSubscriptions::view);
    }

    public Optional<WebhookSubscriptionView> find(UUID tenantId, UUID id) {
        return jdbc.query("SELECT * FROM webhook_subscriptions WHERE tenant_id = :tenantId AND id = :id",
                Map.of("tenantId", tenantId, "id", id), WebhookSubscriptions::view).stream().findFirst();
    }

    /** Changes the fields given (null: unchanged); empty when the tenant has no such subscription. */
    public Optional<WebhookSubscriptionView> update(UUID tenantId, UUID id, String url, List<String> eventTypes,
                                                    boolean descriptionSet, String description, Boolean enabled) {
        if (url != null || eventTypes != null) {
            check(url, eventTypes);
        }
        int updated = jdbc.update("""
                UPDATE webhook_subscriptions SET
                    url = COALESCE(CAST(:url AS text), url),
                    event_types = CASE WHEN :setTypes THEN CAST(:types AS text[]) ELSE event_types END,
                    description = CASE WHEN :setDescription THEN CAST(:description AS text) ELSE description END,
                    enabled = COALESCE(CAST(:enabled AS boolean), enabled),
                    updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, new MapSqlParameterSource().addValue("url", url)
                .addValue("setTypes", eventTypes != null)
                .addValue("types", SqlArrays.texts(eventTypes == null ? List.of() : eventTypes))
                .addValue("setDescription", descriptionSet).addValue("description", description)
                .addValue("enabled", enabled).addValue("id", id).addValue("tenantId", tenantId));
        targets.invalidate(tenantId);
        return updated == 0 ? Optional.empty() : find(tenantId, id);
    }

    /**
     * Deletes a subscription and its delivery log, unless something still sends to it (409). The row is locked
     * first: a workflow being saved with it (which locks it, {@link #lockForUse}) is either committed before the
     * check here sees it, or waits and then finds the subscription gone.
     */
    @Transactional
    public boolean delete(UUID tenantId, UUID id) {
        if (jdbc.queryForList("""
                SELECT id FROM webhook_subscriptions WHERE id = :id AND tenant_id = :tenantId FOR UPDATE
                """, Map.of("id", id, "tenantId", tenantId), UUID.class).isEmpty()) {
            return false;
        }
        // a workflow's send_webhook action would fail at every run: the workflow has to let go of it first
        List<String> users = this.users.namesUsing(tenantId, id);
        if (!users.isEmpty()) {
            throw ProblemException.conflict("The subscription is used by the send_webhook action of the workflows "
                    + String.join(", ", users.stream().map(name -> "\"" + name + "\"").toList())
                    + "; change or delete them first");
        }
        jdbc.update("DELETE FROM webhook_subscriptions WHERE id = :id AND tenant_id = :tenantId",
                Map.of("id", id, "tenantId", tenantId));
        AfterCommit.run(() -> targets.invalidate(tenantId));
        return true;
    }

    /**
     * Whether the tenant has the subscription, which then stays until the caller's transaction ends (FOR KEY SHARE:
     * a deletion waits for it, edits do not): for saving something that will send to it.
     */
    public boolean lockForUse(UUID tenantId, UUID id) {
        return !jdbc.queryForList("""
                SELECT id FROM webhook_subscriptions WHERE id = :id AND tenant_id = :tenantId FOR KEY SHARE
                """, Map.of("id", id, "tenantId", tenantId), UUID.class).isEmpty();
    }

    /** The enabled subscriptions of {@code tenantId} that want {@code eventType}. */
    public List<UUID> subscribedTo(UUID tenantId, String eventType) {
        return targets.get(tenantId, this::loadTargets).stream()
                .filter(target -> target.eventTypes().contains(eventType)).map(Target::id).toList();
    }

    /** The signing secret and URL of a subscription, for a delivery. */
    Optional<Endpoint> endpoint(UUID tenantId, UUID id) {
        return jdbc.query("""
                SELECT url, secret_ciphertext, enabled FROM webhook_subscriptions
                WHERE tenant_id = :tenantId AND id = :id
                """, Map.of("tenantId", tenantId, "id", id), (row, i) -> new Endpoint(row.getString("url"),
                cipher.decrypt(row.getString("secret_ciphertext"), tenantId.toString()), row.getBoolean("enabled")))
                .stream().findFirst();
    }

    private List<Target> loadTargets(UUID tenantId) {
        return jdbc.query("""
                SELECT id, event_types FROM webhook_subscriptions WHERE tenant_id = :tenantId AND enabled
                """, Map.of("tenantId", tenantId), (row, i) -> new Target(row.getObject("id", UUID.class),
                texts(row.getArray("event_types"))));
    }

    private void check(String url, List<String> eventTypes) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (url != null) {
            policy.refusal(url).ifPresent(reason -> errors.add(new Problem.FieldError("/url", reason)));
        }
        if (eventTypes != null) {
            for (int i = 0; i < eventTypes.size(); i++) {
                if (!WebhookEventTypes.ALL.contains(eventTypes.get(i))) {
                    errors.add(new Problem.FieldError("/eventTypes/" + i, "must be one of " + WebhookEventTypes.ALL));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The subscription is not valid", errors);
        }
    }

    private static WebhookSubscriptionView view(ResultSet row, int index) throws SQLException {
        return new WebhookSubscriptionView(row.getObject("id", UUID.class), row.getString("url"),
                texts(row.getArray("event_types")), row.getString("description"), row.getBoolean("enabled"),
                row.getTimestamp("created_at").toInstant(), row.getTimestamp("updated_at").toInstant(), null);
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : List.copyOf(Arrays.asList((String[]) array.getArray()));
    }

    private record Target(UUID id, List<String> eventTypes) {
    }

    /** Where a delivery goes and what signs it. */
    record Endpoint(String url, String secret, boolean enabled) {
    }
}
