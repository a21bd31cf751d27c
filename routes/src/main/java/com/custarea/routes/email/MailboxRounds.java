package com.custarea.routes.email;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * One round of mailbox upkeep: renews the push subscriptions that expire within a day (Gmail's watch is renewed
 * daily as Google recommends) and reads every mailbox whose provider has no push configured. A failure with one
 * mailbox never stops the round.
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
            if (watches.pushConfigured(provider)) {
                continue;
            }
            for (EmailAccount account : accounts.active(provider)) {
                sync.requestSync(account);
                polled++;
            }
        }
        if (renewed + polled > 0) {
            LOG.debug("Mailbox round: {} subscription(s) renewed, {} mailbox(es) polled", renewed, polled);
        }
    }
}
