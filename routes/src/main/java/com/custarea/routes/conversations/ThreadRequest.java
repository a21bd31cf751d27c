package com.custarea.routes.conversations;

import java.util.UUID;

import com.custarea.routes.channels.ChannelSettings;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.InboundMessage;

/** An inbound message to thread, with its channel, its contact and the address replies go to. */
public record ThreadRequest(InboundMessage message, ChannelSettings channel, UUID contactId,
                            ContactIdentifier recipient) {
}
