package com.custarea.routes.ai;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.ai.openai.OpenAiChat;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.support.SqlArrays;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The tenants' AI agents (the seed's ai-agent settings): name, instructions, model, temperature, the channels each
 * answers on, business hours, hand-off rules, enabled tools and the offline engine's answer threshold.
 */
@Service
public class AiAgents {

    /** The tools an agent may be given; a model's call to any other is refused. */
    public static final List<String> TOOLS = List.of("create_ticket", "handoff_to_human", "update_contact",
            "schedule_callback", "search_knowledge_base");
    public static final String OFFLINE_MODEL = "offline";

    /** An agent as stored and shown. */
    public record AiAgent(UUID id, UUID tenantId, String name, String instructions, String model,
                          double temperature, List<UUID> channelIds, JsonNode businessHours,
                          JsonNode handoffRules, List<String> enabledTools, double answerThreshold,
                          Instant createdAt, Instant updatedAt) {
    }

    private static final String COLUMNS = """
            id, tenant_id, name, instructions, model, temperature, channel_ids, business_hours, handoff_rules,
            enabled_tools, answer_threshold, created_at, updated_at""";

    private final NamedParameterJdbcTemplate jdbc;
    private final OpenAiChat chat;
    /** The agent of each (tenant, channel), looked up for every AI request; this instance's changes clear it. */
    private final LoadingCache<List<UUID>, Optional<AiAgent>> byChannel;

    public AiAgents(NamedParameterJdbcTemplate jdbc, OpenAiChat chat,
                    @Value("${custarea.channels.cache-ttl:30s}") Duration cacheTtl) {
        this.jdbc = jdbc;
        this.chat = chat;
        this.byChannel = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(cacheTtl)
                .build(key -> findForChannel(key.get(0), key.get(1)));
    }

    public List<AiAgent> list(UUID tenantId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM ai_agents WHERE tenant_id = :t ORDER BY created_at, id",
                Map.of("t", tenantId), (row, i) -> agent(row));
    }

    public Optional<AiAgent> find(UUID tenantId, UUID id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM ai_agents WHERE tenant_id = :t AND id = :id",
                Map.of("t", tenantId, "id", id), (row, i) -> agent(row)).stream().findFirst();
    }

    /**
     * The agent that answers on {@code channelId}: the one deployed to it by name, else the tenant's first agent
     * deployed to every channel (an empty channel list). Cached like the channels (other instances' changes show
     * within {@code custarea.channels.cache-ttl}).
     */
    public Optional<AiAgent> forChannel(UUID tenantId, UUID channelId) {
        return byChannel.get(List.of(tenantId, channelId));
    }

    private Optional<AiAgent> findForChannel(UUID tenantId, UUID channelId) {
        return jdbc.query("SELECT " + COLUMNS + """
                 FROM ai_agents WHERE tenant_id = :t AND (:c = ANY(channel_ids) OR channel_ids = '{}')
                ORDER BY (:c = ANY(channel_ids)) DESC, created_at, id LIMIT 1
                """, Map.of("t", tenantId, "c", channelId), (row, i) -> agent(row)).stream().findFirst();
    }

    /** Creates an agent from a body valid against the ai-agent-create schema. */
    public AiAgent create(UUID tenantId, JsonNode body) {
        UUID id = UUID.randomUUID();
        checkModel(body);
        checkChannels(tenantId, body);
        jdbc.update("""
                INSERT INTO ai_agents (id, tenant_id, name, instructions, model, temperature, channel_ids,
                                       business_hours, handoff_rules, enabled_tools, answer_threshold)
                VALUES (:id, :t, :name, :instructions, :model, :temperature, CAST(:channels AS uuid[]),
                        CAST(:hours AS jsonb), CAST(:rules AS jsonb), CAST(:tools AS text[]), :threshold)
                """, new MapSqlParameterSource().addValue("id", id).addValue("t", tenantId)
                .addValue("name", body.path("name").asText())
                .addValue("instructions", body.path("instructions").asText(""))
                .addValue("model", body.path("model").asText(OFFLINE_MODEL))
                .addValue("temperature", body.path("temperature").asDouble(0.2))
                .addValue("channels", SqlArrays.uuids(uuids(body.path("channelIds"))))
                .addValue("hours", json(body.get("businessHours")))
                .addValue("rules", body.has("handoffRules") ? body.get("handoffRules").toString() : "{}")
                .addValue("tools", SqlArrays.texts(texts(body.path("enabledTools"))))
                .addValue("threshold", body.path("answerThreshold").asDouble(0.4)));
        byChannel.invalidateAll();
        return find(tenantId, id).orElseThrow();
    }

    /** Changes the fields {@code patch} names (valid against ai-agent-update); empty when there is no such agent. */
    public Optional<AiAgent> update(UUID tenantId, UUID id, JsonNode patch) {
        checkModel(patch);
        checkChannels(tenantId, patch);
        int changed = jdbc.update("""
                UPDATE ai_agents SET
                    name = COALESCE(:name, name),
                    instructions = COALESCE(:instructions, instructions),
                    model = COALESCE(:model, model),
                    temperature = COALESCE(CAST(:temperature AS numeric), temperature),
                    channel_ids = CASE WHEN :setChannels THEN CAST(:channels AS uuid[]) ELSE channel_ids END,
                    business_hours = CASE WHEN :setHours THEN CAST(:hours AS jsonb) ELSE business_hours END,
                    handoff_rules = COALESCE(CAST(:rules AS jsonb), handoff_rules),
                    enabled_tools = CASE WHEN :setTools THEN CAST(:tools AS text[]) ELSE enabled_tools END,
                    answer_threshold = COALESCE(CAST(:threshold AS numeric), answer_threshold),
                    updated_at = now()
                WHERE tenant_id = :t AND id = :id
                """, new MapSqlParameterSource().addValue("id", id).addValue("t", tenantId)
                .addValue("name", text(patch, "name"))
                .addValue("instructions", text(patch, "instructions"))
                .addValue("model", text(patch, "model"))
                .addValue("temperature", patch.has("temperature") ? patch.get("temperature").asDouble() : null)
                .addValue("setChannels", patch.has("channelIds"))
                .addValue("channels", SqlArrays.uuids(uuids(patch.path("channelIds"))))
                .addValue("setHours", patch.has("businessHours"))
                .addValue("hours", json(patch.get("businessHours")))
                .addValue("rules", patch.has("handoffRules") ? patch.get("handoffRules").toString() : null)
                .addValue("setTools", patch.has("enabledTools"))
                .addValue("tools", SqlArrays.texts(texts(patch.path("enabledTools"))))
                .addValue("threshold", patch.has("answerThreshold") ? patch.get("answerThreshold").asDouble()
                        : null));
        byChannel.invalidateAll();
        return changed == 0 ? Optional.empty() : find(tenantId, id);
    }

    /** A chat model needs an OpenAI key; without one, only the offline engine can answer. */
    private void checkModel(JsonNode body) {
        JsonNode model = body.get("model");
        if (model != null && !OFFLINE_MODEL.equals(model.asText()) && !chat.configured()) {
            throw ProblemException.badRequest("Only the offline engine is available",
                    List.of(new Problem.FieldError("/model", "must be " + OFFLINE_MODEL
                            + ": OPENAI_API_KEY is not set")));
        }
    }

    /** Channel ids must name the tenant's own channels: another tenant's id is refused like a wrong one. */
    private void checkChannels(UUID tenantId, JsonNode body) {
        List<UUID> wanted = uuids(body.path("channelIds"));
        if (wanted.isEmpty()) {
            return;
        }
        List<UUID> own = jdbc.queryForList("""
                SELECT id FROM channels WHERE tenant_id = :t AND id = ANY(CAST(:ids AS uuid[]))
                """, new MapSqlParameterSource().addValue("t", tenantId).addValue("ids", SqlArrays.uuids(wanted)),
                UUID.class);
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            if (!own.contains(wanted.get(i))) {
                errors.add(new Problem.FieldError("/channelIds/" + i, "is not a channel of this tenant"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The agent names channels that do not exist", errors);
        }
    }

    private static List<UUID> uuids(JsonNode array) {
        List<UUID> ids = new ArrayList<>();
        array.forEach(item -> ids.add(UUID.fromString(item.asText())));
        return ids;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(item -> values.add(item.asText()));
        return values;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String json(JsonNode node) {
        return node == null || node.isNull() ? null : node.toString();
    }

    private static AiAgent agent(ResultSet row) throws SQLException {
        String hours = row.getString("business_hours");
        return new AiAgent(row.getObject("id", UUID.class), row.getObject("tenant_id", UUID.class),
                row.getString("name"), row.getString("instructions"), row.getString("model"),
                row.getDouble("temperature"), Arrays.asList((UUID[]) array(row.getArray("channel_ids"))),
                hours == null ? NullNode.getInstance() : PayloadJson.tree(hours),
                PayloadJson.tree(row.getString("handoff_rules")),
                Arrays.asList((String[]) array(row.getArray("enabled_tools"))), row.getDouble("answer_threshold"),
                row.getTimestamp("created_at").toInstant(), row.getTimestamp("updated_at").toInstant());
    }

    private static Object[] array(Array array) throws SQLException {
        return (Object[]) array.getArray();
    }
}
