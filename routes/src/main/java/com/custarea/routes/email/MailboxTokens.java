package com.custarea.routes.email;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Access tokens for Gmail and Outlook accounts from their stored refresh tokens; a refused grant marks the account
 * as needing re-authorisation (visible in the accounts API) rather than failing quietly on every send and sync.
 */
@Service
public class MailboxTokens {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxTokens.class);

    private final EmailAccounts accounts;
    private final EmailAccessTokens tokens;

    public MailboxTokens(EmailAccounts accounts, EmailAccessTokens tokens) {
        this.accounts = accounts;
        this.tokens = tokens;
    }

    /** A valid access token for {@code account}; EmailReauthorizationRequiredException when its grant is gone. */
    public String accessToken(EmailAccount account) {
        if (!account.active()) {
            throw new EmailReauthorizationRequiredException("The account " + account.address()
                    + " needs to be authorised again: " + account.statusReason());
        }
        String refreshToken = accounts.refreshTokenOf(account).orElseThrow(() -> {
            accounts.markNeedsReauth(account.channelId(), "no refresh token stored: connect the mailbox again");
            return new EmailReauthorizationRequiredException("The account " + account.address()
                    + " has no refresh token");
        });
        try {
            return tokens.accessToken(account.channelId(), account.provider(), refreshToken);
        } catch (EmailReauthorizationRequiredException e) {
            LOG.warn("{} refused the grant of {} (channel {}): marked as needing re-authorisation",
                    account.provider().wireName(), account.address(), account.channelId());
            accounts.markNeedsReauth(account.channelId(), e.getMessage());
            throw e;
        }
    }

    /**
     * Calls the provider with a valid access token for {@code account}. A 401 means the cached token no longer
     * works (revoked, or the password changed): the call is made once more with a freshly refreshed token, and if
     * the provider refuses that too (or refuses the refresh) the account is marked as needing re-authorisation.
     * A 401 never reaches the provider twice with the same token, so calls must be safe to repeat after one.
     */
    public <T> T call(EmailAccount account, java.util.function.Function<String, T> request) {
        try {
            return request.apply(accessToken(account));
        } catch (EmailReauthorizationRequiredException first) {
            if (!accounts.find(account.channelId()).map(EmailAccount::active).orElse(false)) {
                throw first;
            }
            tokens.forget(account.channelId());
            try {
                return request.apply(accessToken(account));
            } catch (EmailReauthorizationRequiredException again) {
                LOG.warn("{} refused a fresh token of {} (channel {}): marked as needing re-authorisation",
                        account.provider().wireName(), account.address(), account.channelId());
                tokens.forget(account.channelId());
                accounts.markNeedsReauth(account.channelId(), again.getMessage());
                throw again;
            }
        }
    }
}
