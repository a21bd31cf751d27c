package com.custarea.routes.conversations;

import java.util.UUID;

import com.custarea.schemas.InboundMessage;

/** What makes an inbound message unique: its provider's id on a tenant's channel. */
public record ProviderMessageKey(UUID tenantId, UUID channelId, String providerMessageId) {

    public static ProviderMessageKey of(InboundMessage message) {
        return new ProviderMessageKey(message.tenantId(), message.channelId(), message.providerMessageId());
    }
}
