package com.custarea.routes.conversations;

import java.util.UUID;

/** A record names a channel its tenant does not have (or of another kind): a poison record. */
public class UnknownChannelException extends IllegalArgumentException {

    public UnknownChannelException(UUID tenantId, UUID channelId) {
        super("Tenant " + tenantId + " has no channel " + channelId + " of that kind");
    }
}
