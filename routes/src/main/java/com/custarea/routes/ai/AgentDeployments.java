package com.custarea.routes.ai;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/** Where the tenant's AI agent answers: on or off per channel (the seed's agentDeploymentController). */
@Service
public class AgentDeployments {

    private final NamedParameterJdbcTemplate jdbc;
    private final ChannelRegistry channels;

    public AgentDeployments(NamedParameterJdbcTemplate jdbc, ChannelRegistry channels) {
        this.jdbc = jdbc;
        this.channels = channels;
    }

    /** The seed's shouldAgentRespond: whether the agent answers on {@code channelId} of {@code tenantId}. */
    public boolean shouldAgentRespond(UUID tenantId, UUID channelId) {
        return channels.find(tenantId, channelId).map(channel -> channel.aiAgentEnabled() && channel.enabled())
                .orElse(false);
    }

    /** Every channel of the tenant and whether the agent answers on it. */
    public List<Deployment> list(UUID tenantId) {
        return jdbc.query("""
                SELECT id, type, name, ai_agent_enabled FROM channels WHERE tenant_id = :tenantId ORDER BY created_at
                """, Map.of("tenantId", tenantId), (row, i) -> new Deployment(row.getObject("id", UUID.class),
                row.getString("type"), row.getString("name"), row.getBoolean("ai_agent_enabled")));
    }

    /** Turns the agent on or off on a channel of the tenant; false when there is no such channel. */
    public boolean set(UUID tenantId, UUID channelId, boolean enabled) {
        return channels.setAiAgentEnabled(tenantId, channelId, enabled);
    }

    /** A channel and whether the agent answers on it. */
    public record Deployment(UUID channelId, String channelType, String channelName, boolean enabled) {
    }
}
