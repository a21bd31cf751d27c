package com.custarea.routes.twilio;

import java.util.Optional;

import com.custarea.schemas.MessageStatus;

/** Twilio's message statuses in ours; the interim ones (queued, sending, scheduled, …) have no counterpart. */
public final class TwilioStatuses {

    private TwilioStatuses() {
    }

    public static Optional<MessageStatus> toMessageStatus(String twilioStatus) {
        return switch (twilioStatus) {
            case "sent" -> Optional.of(MessageStatus.SENT);
            case "delivered" -> Optional.of(MessageStatus.DELIVERED);
            case "read" -> Optional.of(MessageStatus.READ);
            case "failed", "undelivered", "canceled" -> Optional.of(MessageStatus.FAILED);
            default -> Optional.empty();
        };
    }
}
