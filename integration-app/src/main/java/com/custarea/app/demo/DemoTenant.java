package com.custarea.app.demo;

import java.util.UUID;

/** The demo tenant's ids and its API channel's secret, for the quick start. */
public record DemoTenant(UUID tenantId, UUID channelId, String secret) {
}
