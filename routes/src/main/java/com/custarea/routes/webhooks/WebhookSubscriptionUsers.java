package com.custarea.routes.webhooks;

import java.util.List;
import java.util.UUID;

/**
 * What still sends to a webhook subscription by name (a workflow's send_webhook action), asked before the
 * subscription is deleted, inside the deletion's transaction.
 */
public interface WebhookSubscriptionUsers {

    /** The names of what uses the tenant's subscription {@code subscriptionId}, in order; empty when nothing does. */
    List<String> namesUsing(UUID tenantId, UUID subscriptionId);
}
