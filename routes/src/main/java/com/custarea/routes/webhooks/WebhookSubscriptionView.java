package com.custarea.routes.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A tenant's webhook subscription as the API shows it; the signing secret only in the answer that created it.
 *
 * @param secret the signing secret, shown once
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookSubscriptionView(UUID id, String url, List<String> eventTypes, String description,
                                      boolean enabled, Instant createdAt, Instant updatedAt, String secret) {

    WebhookSubscriptionView withSecret(String shownOnce) {
        return new WebhookSubscriptionView(id, url, eventTypes, description, enabled, createdAt, updatedAt,
                shownOnce);
    }
}
