package com.custarea.routes.channels;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.schemas.Channel;

/**
 * A tenant's configured channel: its kind, its non-secret settings, whether the AI agent answers on it, and its
 * sealed secret (decrypt through {@link ChannelRegistry#secretOf}).
 *
 * @param settings the channel's non-secret configuration (callback URL, phone number, mailbox…)
 */
public record ChannelSettings(
        UUID id,
        UUID tenantId,
        Channel type,
        String name,
        Map<String, String> settings,
        boolean aiAgentEnabled,
        boolean enabled,
        String sealedSecret) {

    public ChannelSettings {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }

    public Optional<String> setting(String name) {
        return Optional.ofNullable(settings.get(name));
    }

    @Override
    public String toString() {
        return "ChannelSettings[id=" + id + ", tenantId=" + tenantId + ", type=" + type + ", name=" + name + "]";
    }
}
