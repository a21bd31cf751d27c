package com.custarea.routes.email;

import java.util.UUID;

import org.springframework.stereotype.Component;

/** Stores the new refresh token a provider hands out on refresh (Microsoft rotates them), sealed like the first. */
@Component
public class RotatedRefreshTokens implements EmailRefreshTokenListener {

    private final EmailAccounts accounts;

    public RotatedRefreshTokens(EmailAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void rotated(UUID channelId, String newRefreshToken) {
        accounts.find(channelId).ifPresent(account -> accounts.storeRefreshToken(account.tenantId(), channelId,
                newRefreshToken));
    }
}
