package com.custarea.routes.twilio;

import java.util.Optional;

import com.custarea.schemas.MessageStatus;

/**
 * Twilio's message statuses in ours. The states before the carrier has the message (accepted and scheduled in a
 * messaging service, queued, sending) change nothing: our message is queued until Twilio has sent it. A status
 * Twilio adds later is ignored rather than guessed.
 */
public final class TwilioStatuses {

    private TwilioStatuses() {
    }

    public static Optional<MessageStatus> toMessageStatus(String twilioStatus) {
        return switch (twilioStatus) {
            case "accepted", "scheduled", "queued", "sending" -> Optional.empty();
            case "sent" -> Optional.of(MessageStatus.SENT);
            // some segments arrived, not all: Twilio sent it, but we do not claim a delivery it did not confirm
            case "partially_delivered" -> Optional.of(MessageStatus.SENT);
            case "delivered" -> Optional.of(MessageStatus.DELIVERED);
            case "read" -> Optional.of(MessageStatus.READ);
            case "failed", "undelivered", "canceled" -> Optional.of(MessageStatus.FAILED);
            default -> Optional.empty();
        };
    }
}
