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

    /** Marks {@code account} as needing re-authorisation after a provider answered 401 with a fresh token. */
    public void refused(EmailAccount account, EmailReauthorizationRequiredException e) {
        tokens.forget(account.channelId());
        accounts.markNeedsReauth(account.channelId(), e.getMessage());
    }
}
