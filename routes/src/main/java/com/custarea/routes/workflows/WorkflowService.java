package com.custarea.routes.workflows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.support.AfterCommit;
import com.custarea.routes.support.Cursor;
import com.custarea.routes.support.Page;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.support.SqlArrays;
import com.custarea.routes.teams.TeamService;
import com.custarea.routes.webhooks.WebhookSubscriptions;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenants' workflows: saved only when their definition makes sense (field-level errors otherwise), versioned on every
 * change, and looked up by trigger through a per-tenant cache (the seed's hasTriggerWorkflow, getTriggerType and
 * clearTriggerCache), so tenants without workflows cost the event stream one map lookup.
 */
@Service
public class WorkflowService {

    private static final String SELECT = """
            SELECT id, tenant_id, name, enabled, version, trigger_type, definition::text AS definition, created_at,
                   updated_at
            FROM workflows
            """;

    /** The trigger's settings that only some triggers take. */
    private static final List<String> TRIGGER_SETTINGS = List.of("channels", "keywords", "minutes");

    /** The actions that act on the run's conversation. */
    private static final Set<String> CONVERSATION_ACTIONS = Set.of("assign", "add_label", "set_priority",
            "send_reply", "handoff");

    private final NamedParameterJdbcTemplate jdbc;
    private final WebhookSubscriptions subscriptions;
    private final TeamService teams;
    private final Cache<UUID, Set<WorkflowTriggerType>> triggers;

    public WorkflowService(NamedParameterJdbcTemplate jdbc, WebhookSubscriptions subscriptions, TeamService teams,
                           @Value("${custarea.channels.cache-ttl:30s}") Duration cacheTtl) {
        this.jdbc = jdbc;
        this.subscriptions = subscriptions;
        this.teams = teams;
        this.triggers = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(cacheTtl).build();
    }

    /** Whether the tenant has an enabled workflow that {@code type} starts. */
    public boolean hasTriggerWorkflow(UUID tenantId, WorkflowTriggerType type) {
        Set<WorkflowTriggerType> active = getTriggerTypes(tenantId);
        return type.starts().stream().anyMatch(active::contains);
    }

    /** The triggers of the tenant's enabled workflows. */
    public Set<WorkflowTriggerType> getTriggerTypes(UUID tenantId) {
        return triggers.get(tenantId, tenant -> {
            Set<WorkflowTriggerType> types = EnumSet.noneOf(WorkflowTriggerType.class);
            jdbc.queryForList("SELECT DISTINCT trigger_type FROM workflows WHERE tenant_id = :tenantId AND enabled",
                    Map.of("tenantId", tenant), String.class)
                    .forEach(name -> WorkflowTriggerType.fromWireName(name).ifPresent(types::add));
            return Set.copyOf(types);
        });
    }

    /** Forgets the tenant's cached triggers. */
    public void clearTriggerCache(UUID tenantId) {
        triggers.invalidate(tenantId);
    }

    /**
     * Forgets the tenant's cached triggers once the change commits: cleared before, an event in between would load
     * the old answer again and keep it for the cache's whole lifetime.
     */
    private void clearTriggerCacheAfterCommit(UUID tenantId) {
        AfterCommit.run(() -> clearTriggerCache(tenantId));
    }

    @Transactional
    public WorkflowView create(UUID tenantId, JsonNode submitted, UUID userId) {
        JsonNode definition = withoutBlankTriggerSettings(submitted);
        check(tenantId, definition);
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO workflows (id, tenant_id, name, enabled, trigger_type, definition)
                VALUES (:id, :tenantId, :name, :enabled, :trigger, CAST(:definition AS jsonb))
                """, params(id, tenantId, definition));
        saveVersion(id, 1, definition, userId);
        clearTriggerCacheAfterCommit(tenantId);
        return find(tenantId, id).orElseThrow();
    }

    /** Replaces the definition; the workflow's version goes up, and runs already started finish on theirs. */
    @Transactional
    public Optional<WorkflowView> update(UUID tenantId, UUID id, JsonNode submitted, UUID userId) {
        JsonNode definition = withoutBlankTriggerSettings(submitted);
        check(tenantId, definition);
        List<Integer> version = jdbc.queryForList("""
                UPDATE workflows SET name = :name, enabled = :enabled, trigger_type = :trigger,
                                     definition = CAST(:definition AS jsonb), version = version + 1,
                                     updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                RETURNING version
                """, params(id, tenantId, definition), Integer.class);
        if (version.isEmpty()) {
            return Optional.empty();
        }
        saveVersion(id, version.get(0), definition, userId);
        clearTriggerCacheAfterCommit(tenantId);
        return find(tenantId, id);
    }

    @Transactional
    public Optional<WorkflowView> setEnabled(UUID tenantId, UUID id, boolean enabled) {
        int updated = jdbc.update("""
                UPDATE workflows SET enabled = :enabled,
                       definition = jsonb_set(definition, '{enabled}', to_jsonb(CAST(:enabled AS boolean))),
                       updated_at = now()
                WHERE id = :id AND tenant_id = :tenantId
                """, Map.of("enabled", enabled, "id", id, "tenantId", tenantId));
        clearTriggerCacheAfterCommit(tenantId);
        return updated == 0 ? Optional.empty() : find(tenantId, id);
    }

    @Transactional
    public boolean delete(UUID tenantId, UUID id) {
        boolean deleted = jdbc.update("DELETE FROM workflows WHERE id = :id AND tenant_id = :tenantId",
                Map.of("id", id, "tenantId", tenantId)) == 1;
        clearTriggerCacheAfterCommit(tenantId);
        return deleted;
    }

    public Optional<WorkflowView> find(UUID tenantId, UUID id) {
        return jdbc.query(SELECT + " WHERE id = :id AND tenant_id = :tenantId", Map.of("id", id, "tenantId",
                tenantId), WorkflowService::view).stream().findFirst();
    }

    public List<WorkflowView> list(UUID tenantId) {
        return jdbc.query(SELECT + " WHERE tenant_id = :tenantId ORDER BY created_at, id",
                Map.of("tenantId", tenantId), WorkflowService::view);
    }

    /** Every saved version of a workflow, newest first; empty for another tenant's workflow. */
    public List<Map<String, Object>> versions(UUID tenantId, UUID id) {
        return jdbc.query("""
                SELECT v.version, v.definition::text AS definition, v.created_by, v.created_at
                FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id
                WHERE w.id = :id AND w.tenant_id = :tenantId ORDER BY v.version DESC
                """, Map.of("id", id, "tenantId", tenantId), (row, i) -> {
            Map<String, Object> version = new LinkedHashMap<>();
            version.put("version", row.getInt("version"));
            version.put("definition", PayloadJson.tree(row.getString("definition")));
            version.put("createdBy", row.getObject("created_by", UUID.class));
            version.put("createdAt", row.getTimestamp("created_at").toInstant());
            return version;
        });
    }

    /** The enabled workflows of the tenant with one of {@code types} as trigger, at their current versions. */
    List<StoredWorkflow> enabledFor(UUID tenantId, Set<WorkflowTriggerType> types) {
        return jdbc.query("""
                SELECT id, tenant_id, name, version, trigger_type, definition::text AS definition FROM workflows
                WHERE tenant_id = :tenantId AND enabled AND trigger_type = ANY(CAST(:types AS text[]))
                ORDER BY created_at, id
                """, new MapSqlParameterSource().addValue("tenantId", tenantId)
                .addValue("types", SqlArrays.texts(types.stream().map(WorkflowTriggerType::wireName).toList())),
                (row, i) -> stored(row, row.getString("definition")));
    }

    /** A workflow at the version a run started on. */
    Optional<StoredWorkflow> atVersion(UUID tenantId, UUID id, int version) {
        return jdbc.query("""
                SELECT w.id, w.tenant_id, w.name, v.version, w.trigger_type, v.definition::text AS definition
                FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = :version
                WHERE w.id = :id AND w.tenant_id = :tenantId
                """, Map.of("id", id, "tenantId", tenantId, "version", version),
                (row, i) -> stored(row, row.getString("definition"))).stream().findFirst();
    }

    /** A workflow's runs, newest first, with their steps; empty for another tenant's workflow. */
    public Page<WorkflowRunView> runs(UUID tenantId, UUID workflowId, Optional<Cursor> cursor, int limit) {
        List<WorkflowRunView> rows = jdbc.query("""
                SELECT * FROM workflow_runs
                WHERE tenant_id = :tenantId AND workflow_id = :workflowId
                  AND (CAST(:cursorAt AS timestamptz) IS NULL
                       OR (created_at, id) < (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid)))
                ORDER BY created_at DESC, id DESC
                LIMIT :limit
                """, new MapSqlParameterSource().addValue("tenantId", tenantId).addValue("workflowId", workflowId)
                .addValue("cursorAt", cursor.map(c -> Timestamp.from(c.at())).orElse(null))
                .addValue("cursorId", cursor.map(Cursor::id).orElse(null))
                .addValue("limit", limit + 1), (row, i) -> run(row, List.of()));
        Map<UUID, List<WorkflowRunView.Step>> steps = new HashMap<>();
        if (!rows.isEmpty()) {
            jdbc.query("""
                    SELECT run_id, step, action, status, result::text AS result, executed_at FROM workflow_run_steps
                    WHERE run_id = ANY(CAST(:ids AS uuid[])) ORDER BY run_id, step
                    """, new MapSqlParameterSource().addValue("ids", SqlArrays.uuids(rows.stream()
                    .map(WorkflowRunView::id).toList())), row -> {
                steps.computeIfAbsent(row.getObject("run_id", UUID.class), run -> new ArrayList<>())
                        .add(new WorkflowRunView.Step(row.getInt("step"), row.getString("action"),
                                row.getString("status"), row.getString("result"),
                                row.getTimestamp("executed_at").toInstant()));
            });
        }
        List<WorkflowRunView> withSteps = rows.stream().map(run -> new WorkflowRunView(run.id(),
                run.workflowVersion(), run.triggerType(), run.triggerEventId(), run.conversationId(),
                run.contactId(), run.messageId(), run.status(), run.detail(), run.createdAt(), run.updatedAt(),
                steps.getOrDefault(run.id(), List.of()))).toList();
        return Page.of(new ArrayList<>(withSteps), limit, run -> new Cursor(run.createdAt(), run.id()));
    }

    /**
     * Refuses a definition whose parts do not fit together, with a JSON Pointer per problem: trigger settings,
     * conditions and actions the trigger gives nothing to act on, operators that do not suit their field, business
     * hours that do not parse, users, teams and webhook subscriptions the tenant does not have.
     */
    void check(UUID tenantId, JsonNode definition) {
        List<Problem.FieldError> errors = new ArrayList<>();
        WorkflowTriggerType.fromWireName(definition.path("trigger").path("type").asText())
                .ifPresent(trigger -> checkFitsTrigger(trigger, definition, errors));
        JsonNode conditions = definition.path("conditions");
        for (int i = 0; i < conditions.size(); i++) {
            JsonNode condition = conditions.get(i);
            String pointer = "/conditions/" + i;
            String field = condition.path("field").asText();
            String operator = condition.path("operator").asText();
            boolean hoursField = field.equals("business_hours");
            boolean hoursOperator = operator.equals("within") || operator.equals("outside");
            if (hoursField != hoursOperator) {
                errors.add(new Problem.FieldError(pointer + "/operator", hoursField
                        ? "business_hours takes within or outside" : "within and outside are for business_hours"));
            }
            if (hoursField) {
                checkHours(condition.path("hours"), pointer + "/hours", errors);
            } else if (!operator.equals("exists") && !operator.equals("not_exists") && !condition.has("value")) {
                errors.add(new Problem.FieldError(pointer + "/value", "is required for " + operator));
            } else if (operator.equals("in") && !condition.path("value").isArray()) {
                errors.add(new Problem.FieldError(pointer + "/value", "must be an array for in"));
            }
        }
        JsonNode actions = definition.path("actions");
        for (int i = 0; i < actions.size(); i++) {
            JsonNode action = actions.get(i);
            String pointer = "/actions/" + i;
            JsonNode users = action.path("userIds");
            for (int u = 0; u < users.size(); u++) {
                UUID user = UUID.fromString(users.get(u).asText());
                if (jdbc.queryForList("SELECT 1 FROM users WHERE id = :id AND tenant_id = :tenantId AND NOT disabled",
                        Map.of("id", user, "tenantId", tenantId), Integer.class).isEmpty()) {
                    errors.add(new Problem.FieldError(pointer + "/userIds/" + u, "is not an active user here"));
                }
            }
            if (action.has("teamId") && teams.find(tenantId, UUID.fromString(action.get("teamId").asText()))
                    .isEmpty()) {
                errors.add(new Problem.FieldError(pointer + "/teamId", "is not a team here"));
            }
            // locked until the workflow is saved: a deletion of the subscription meanwhile would not see it in use
            if (action.has("subscriptionId") && !subscriptions.lockForUse(tenantId,
                    UUID.fromString(action.get("subscriptionId").asText()))) {
                errors.add(new Problem.FieldError(pointer + "/subscriptionId", "is not a webhook subscription here"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The workflow is not valid", errors);
        }
    }

    /**
     * The definition with the trigger's settings that are null or empty left out: form clients send every
     * trigger's settings for each trigger, blank where they do not apply, and a run reads a setting that is
     * there (an empty channel list would let no message through).
     */
    static JsonNode withoutBlankTriggerSettings(JsonNode definition) {
        JsonNode on = definition.path("trigger");
        if (!on.isObject() || TRIGGER_SETTINGS.stream().noneMatch(setting -> on.has(setting)
                && !isGiven(on.get(setting)))) {
            return definition;
        }
        ObjectNode cleaned = definition.deepCopy();
        ObjectNode trigger = (ObjectNode) cleaned.get("trigger");
        TRIGGER_SETTINGS.stream().filter(setting -> trigger.has(setting) && !isGiven(trigger.get(setting)))
                .forEach(trigger::remove);
        return cleaned;
    }

    /** Whether a setting says something: not null, and not an empty list. */
    private static boolean isGiven(JsonNode setting) {
        return setting != null && !setting.isMissingNode() && !setting.isNull()
                && !(setting.isArray() && setting.isEmpty());
    }

    /** Refuses what the trigger cannot give a run: a conversation to act on, a message to read, a channel. */
    private static void checkFitsTrigger(WorkflowTriggerType trigger, JsonNode definition,
                                         List<Problem.FieldError> errors) {
        JsonNode on = definition.path("trigger");
        if (isGiven(on.get("keywords")) && trigger != WorkflowTriggerType.KEYWORD_MATCHED) {
            errors.add(new Problem.FieldError("/trigger/keywords", "only applies to keyword_matched"));
        }
        if (isGiven(on.get("minutes")) && trigger != WorkflowTriggerType.NO_REPLY) {
            errors.add(new Problem.FieldError("/trigger/minutes", "only applies to no_reply"));
        }
        if (isGiven(on.get("channels")) && !trigger.hasConversation()) {
            errors.add(new Problem.FieldError("/trigger/channels", "does not apply to " + trigger.wireName()
                    + ": a new contact has no channel"));
        }
        JsonNode conditions = definition.path("conditions");
        for (int i = 0; i < conditions.size(); i++) {
            String field = conditions.get(i).path("field").asText();
            boolean needsConversation = field.equals("channel") || field.startsWith("conversation.");
            if (needsConversation && !trigger.hasConversation()) {
                errors.add(new Problem.FieldError("/conditions/" + i + "/field", "does not apply to "
                        + trigger.wireName() + ", which has no conversation"));
            } else if (field.equals("message.text") && !trigger.hasMessage()) {
                errors.add(new Problem.FieldError("/conditions/" + i + "/field", "does not apply to "
                        + trigger.wireName() + ", which has no message"));
            }
        }
        JsonNode actions = definition.path("actions");
        for (int i = 0; i < actions.size(); i++) {
            String type = actions.get(i).path("type").asText();
            if (CONVERSATION_ACTIONS.contains(type) && !trigger.hasConversation()) {
                errors.add(new Problem.FieldError("/actions/" + i + "/type", type + " needs a conversation, and "
                        + trigger.wireName() + " has none (create_ticket, send_webhook and wait do not)"));
            }
        }
    }

    private static void checkHours(JsonNode hours, String pointer, List<Problem.FieldError> errors) {
        if (hours.isMissingNode()) {
            errors.add(new Problem.FieldError(pointer, "is required for business_hours"));
            return;
        }
        try {
            ZoneId.of(hours.path("timezone").asText());
        } catch (DateTimeException e) {
            errors.add(new Problem.FieldError(pointer + "/timezone", "is not a time zone (like Europe/London)"));
        }
        if (!LocalTime.parse(hours.path("start").asText()).isBefore(LocalTime.parse(hours.path("end").asText()))) {
            errors.add(new Problem.FieldError(pointer + "/end", "must be after start"));
        }
    }

    private void saveVersion(UUID id, int version, JsonNode definition, UUID userId) {
        jdbc.update("""
                INSERT INTO workflow_versions (workflow_id, version, definition, created_by)
                VALUES (:id, :version, CAST(:definition AS jsonb), :userId)
                """, new MapSqlParameterSource().addValue("id", id).addValue("version", version)
                .addValue("definition", normalised(definition).toString()).addValue("userId", userId));
    }

    private static MapSqlParameterSource params(UUID id, UUID tenantId, JsonNode definition) {
        JsonNode normalised = normalised(definition);
        return new MapSqlParameterSource().addValue("id", id).addValue("tenantId", tenantId)
                .addValue("name", normalised.path("name").asText())
                .addValue("enabled", normalised.path("enabled").asBoolean())
                .addValue("trigger", normalised.path("trigger").path("type").asText())
                .addValue("definition", normalised.toString());
    }

    /** The definition with its defaults filled in (enabled unless said otherwise). */
    private static JsonNode normalised(JsonNode definition) {
        ObjectNode copy = definition.deepCopy();
        if (!copy.has("enabled")) {
            copy.put("enabled", true);
        }
        return copy;
    }

    private static StoredWorkflow stored(ResultSet row, String definition) throws SQLException {
        return new StoredWorkflow(row.getObject("id", UUID.class), row.getObject("tenant_id", UUID.class),
                row.getString("name"), row.getInt("version"),
                WorkflowTriggerType.fromWireName(row.getString("trigger_type")).orElseThrow(),
                PayloadJson.tree(definition));
    }

    private static WorkflowView view(ResultSet row, int index) throws SQLException {
        return new WorkflowView(row.getObject("id", UUID.class), row.getString("name"), row.getBoolean("enabled"),
                row.getInt("version"), row.getString("trigger_type"), row.getString("definition"),
                row.getTimestamp("created_at").toInstant(), row.getTimestamp("updated_at").toInstant());
    }

    private static WorkflowRunView run(ResultSet row, List<WorkflowRunView.Step> steps) throws SQLException {
        return new WorkflowRunView(row.getObject("id", UUID.class), row.getInt("workflow_version"),
                row.getString("trigger_type"), row.getObject("trigger_event_id", UUID.class),
                row.getObject("conversation_id", UUID.class), row.getObject("contact_id", UUID.class),
                row.getObject("message_id", UUID.class), row.getString("status"), row.getString("detail"),
                row.getTimestamp("created_at").toInstant(), row.getTimestamp("updated_at").toInstant(), steps);
    }
}
