package com.custarea.routes.email;

import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * One round of mailbox upkeep: renews the push subscriptions that expire soon (Gmail's watch daily, as Google
 * recommends) and reads every mailbox that has no live subscription (its provider's push is not configured, or its
 * watch could not be started). A failure with one mailbox never stops the round.
 */
@Service
public class MailboxRounds {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxRounds.class);

    private final EmailAccounts accounts;
    private final MailboxWatches watches;
    private final MailboxSync sync;

    public MailboxRounds(EmailAccounts accounts, MailboxWatches watches, MailboxSync sync) {
        this.accounts = accounts;
        this.watches = watches;
        this.sync = sync;
    }

    public void run() {
        int renewed = watches.renewDue();
        int polled = 0;
        for (EmailProvider provider : List.of(EmailProvider.GMAIL, EmailProvider.OUTLOOK)) {
            boolean push = watches.pushConfigured(provider);
            for (EmailAccount account : accounts.active(provider)) {
                // without a live subscription (push not configured, or the watch could not be started) nothing
                // would tell us about new mail: read the mailbox every round until push works
                if (!push || account.watchExpires() == null || account.watchExpires().isBefore(Instant.now())) {
                    sync.requestSync(account);
                    polled++;
                }
            }
        }
        if (renewed + polled > 0) {
            LOG.debug("Mailbox round: {} subscription(s) renewed, {} mailbox(es) polled", renewed, polled);
        }
    }
}
