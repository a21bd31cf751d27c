package com.custarea.routes.workflows;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.webhooks.WebhookSubscriptionUsers;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/** The workflows whose send_webhook action names a subscription (their definitions are the workflows' own). */
@Component
class WorkflowWebhookUsers implements WebhookSubscriptionUsers {

    private final NamedParameterJdbcTemplate jdbc;

    WorkflowWebhookUsers(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<String> namesUsing(UUID tenantId, UUID subscriptionId) {
        return jdbc.queryForList("""
                SELECT w.name FROM workflows w
                WHERE w.tenant_id = :tenantId AND EXISTS (
                    SELECT 1 FROM jsonb_array_elements(w.definition -> 'actions') action
                    WHERE action ->> 'type' = 'send_webhook' AND lower(action ->> 'subscriptionId') = :id)
                ORDER BY w.name
                """, Map.of("tenantId", tenantId, "id", subscriptionId.toString()), String.class);
    }
}
