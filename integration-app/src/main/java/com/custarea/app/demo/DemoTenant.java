package com.custarea.app.demo;

import java.util.UUID;

/** The demo tenant's ids, its API channel's secret and its website widget's key, for the quick start. */
public record DemoTenant(UUID tenantId, UUID channelId, String secret, UUID widgetKey) {

    public DemoTenant withWidgetKey(UUID key) {
        return new DemoTenant(tenantId, channelId, secret, key);
    }
}
