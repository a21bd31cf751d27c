package com.custarea.routes.email;

import java.util.Optional;

import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Connects a mailbox once its owner consented: a new Gmail or Outlook account, or a fresh grant for an account the
 * tenant has (which ends its needs_reauth), then its push subscription. A mailbox another tenant connected is
 * refused: inbound mail must find exactly one tenant.
 */
@Service
public class EmailConnections {

    private static final Logger LOG = LoggerFactory.getLogger(EmailConnections.class);

    private final EmailAccounts accounts;
    private final MailboxWatches watches;
    private final EmailAccessTokens tokens;

    public EmailConnections(EmailAccounts accounts, MailboxWatches watches, EmailAccessTokens tokens) {
        this.accounts = accounts;
        this.watches = watches;
        this.tokens = tokens;
    }

    /** Stores {@code grant}'s refresh token (sealed) on the tenant's account of that mailbox, made if need be. */
    public EmailAccount connect(EmailOAuthFlow.Grant grant) {
        Optional<EmailAccount> existing = accounts.findByAddress(grant.provider(), grant.email());
        EmailAccount account;
        if (existing.isPresent()) {
            if (!existing.get().tenantId().equals(grant.tenantId())) {
                throw ProblemException.conflict("The mailbox " + grant.email()
                        + " is connected to another CustArea workspace");
            }
            accounts.storeRefreshToken(grant.tenantId(), existing.get().channelId(), grant.refreshToken());
            tokens.forget(existing.get().channelId());
            account = accounts.find(grant.tenantId(), existing.get().channelId()).orElseThrow();
        } else {
            account = accounts.create(new EmailAccounts.NewAccount(grant.tenantId(), grant.provider(), grant.email(),
                    null, null, PayloadJson.write(java.util.Map.of("refreshToken", grant.refreshToken())), false));
        }
        LOG.info("{} mailbox {} connected (channel {})", grant.provider().wireName(), account.address(),
                account.channelId());
        watches.restartQuietly(account);
        return accounts.find(account.tenantId(), account.channelId()).orElseThrow();
    }
}
