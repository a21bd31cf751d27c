package com.custarea.routes.email;

import java.time.Instant;
import java.util.UUID;

/**
 * A tenant's e-mail account: the e-mail channel it is, the provider it goes through, its address and signature, and
 * the state of its mailbox. Its credentials (an OAuth refresh token, or AWS keys of the tenant's own) are the
 * channel's sealed secret, never part of this record.
 *
 * @param status       {@code active}, or {@code needs_reauth} when the provider refused the grant
 * @param syncCursor   Gmail: the last history id read; Outlook: the inbox's delta link
 * @param watchId      Outlook: the Graph subscription's id
 * @param watchExpires when the Gmail watch or the Graph subscription runs out
 */
public record EmailAccount(UUID channelId, UUID tenantId, EmailProvider provider, String address,
                           String displayName, String signature, String status, String statusReason,
                           String syncCursor, Instant lastSyncedAt, String watchId, Instant watchExpires,
                           Instant createdAt) {

    public static final String ACTIVE = "active";
    public static final String NEEDS_REAUTH = "needs_reauth";

    /** The From of its mail: the address with its display name. */
    public EmailAddress sender() {
        return new EmailAddress(address, displayName);
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }
}
