package com.custarea.routes.email;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import com.custarea.routes.support.PublicUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Push subscriptions of mailboxes: a Gmail watch on the inbox (to the Pub/Sub topic CustArea's push subscription
 * reads) and a Graph change-notification subscription on the Outlook inbox (with a clientState of its own). Both
 * expire (Gmail after 7 days, Graph mail after about 3), so {@link #renewDue} renews those expiring within a day;
 * without push configured the mailbox is polled instead.
 */
@Service
public class MailboxWatches {

    /** Where Graph posts change notifications and lifecycle notifications. */
    public static final String GRAPH_NOTIFICATIONS_PATH = "/api/webhooks/microsoft";
    private static final Logger LOG = LoggerFactory.getLogger(MailboxWatches.class);
    /** Graph refuses a mail subscription longer than 10080 minutes; shorter leaves room for clock skew. */
    private static final Duration GRAPH_LIFETIME = Duration.ofDays(2);
    /** A Gmail watch lasts 7 days; renewed once it has less than 6 left, so daily. */
    private static final Duration GMAIL_RENEW_BEFORE = Duration.ofDays(6);

    private final EmailAccounts accounts;
    private final MailboxTokens tokens;
    private final GmailApi gmail;
    private final GraphMailApi graph;
    private final PublicUrls publicUrls;
    private final String gmailTopic;
    private final Duration renewBefore;
    private final SecureRandom random = new SecureRandom();
    private final java.util.Map<java.util.UUID, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

    public MailboxWatches(EmailAccounts accounts, MailboxTokens tokens, GmailApi gmail, GraphMailApi graph,
                          PublicUrls publicUrls,
                          @Value("${custarea.email.gmail.pubsub-topic:}") String gmailTopic,
                          @Value("${custarea.email.watch-renew-before:1d}") Duration renewBefore) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.gmail = gmail;
        this.graph = graph;
        this.publicUrls = publicUrls;
        this.gmailTopic = gmailTopic;
        this.renewBefore = renewBefore;
    }

    /** Whether {@code provider}'s mailboxes get push notifications (otherwise they are polled). */
    public boolean pushConfigured(EmailProvider provider) {
        return switch (provider) {
            case GMAIL -> !gmailTopic.isBlank();
            case OUTLOOK -> publicUrls.of(GRAPH_NOTIFICATIONS_PATH).isPresent();
            case SES -> true;
        };
    }

    /**
     * Starts {@code account}'s push subscription unless it has one that is not due for renewal; a failure is logged
     * and retried by the next round.
     */
    public void startQuietly(EmailAccount account) {
        startQuietly(account, false);
    }

    /** Starts {@code account}'s push subscription again even if it has one (a new grant, a lifecycle event). */
    public void restartQuietly(EmailAccount account) {
        startQuietly(account, true);
    }

    private void startQuietly(EmailAccount account, boolean force) {
        // one start at a time per mailbox: two would leave Graph an orphan subscription with a clientState we lost
        Object lock = locks.computeIfAbsent(account.channelId(), id -> new Object());
        try {
            synchronized (lock) {
                Optional<EmailAccount> fresh = accounts.find(account.channelId()).filter(EmailAccount::active);
                if (fresh.isEmpty() || !force && fresh.get().watchExpires() != null
                        && fresh.get().watchExpires().isAfter(Instant.now().plus(marginOf(fresh.get().provider())))) {
                    return;
                }
                start(fresh.get());
            }
        } catch (RuntimeException e) {
            LOG.warn("The push subscription of {} ({}) could not be started, retried later: {}", account.address(),
                    account.provider().wireName(), e.getMessage());
        }
    }

    /** Starts or renews {@code account}'s push subscription, when its provider's push is configured. */
    private void start(EmailAccount account) {
        if (!pushConfigured(account.provider())) {
            return;
        }
        switch (account.provider()) {
            case GMAIL -> {
                GmailApi.Watch watch = tokens.call(account, token -> gmail.watch(token, gmailTopic,
                        List.of("INBOX")));
                if (account.syncCursor() == null) {
                    accounts.storeSyncCursor(account.channelId(), watch.historyId());
                }
                accounts.storeWatch(account, null, null, watch.expiration());
            }
            case OUTLOOK -> tokens.call(account, token -> {
                startGraph(account, token);
                return null;
            });
            case SES -> {
                // SES pushes through the SNS topic its receipt rule names: nothing per account
            }
        }
    }

    private void startGraph(EmailAccount account, String token) {
        String url = publicUrls.of(GRAPH_NOTIFICATIONS_PATH).orElseThrow();
        Instant expiration = Instant.now().plus(GRAPH_LIFETIME);
        if (account.watchId() != null) {
            try {
                GraphMailApi.Subscription renewed = graph.renew(token, account.watchId(), expiration);
                accounts.storeWatch(account, renewed.id(), accounts.watchSecretOf(account).orElse(null),
                        renewed.expiration());
                return;
            } catch (EmailProviderRefusedException e) {
                LOG.info("Graph subscription {} of {} is gone ({}): subscribing again", account.watchId(),
                        account.address(), e.getMessage());
            }
        }
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        String clientState = HexFormat.of().formatHex(secret);
        GraphMailApi.Subscription created = graph.subscribe(token, url, url, clientState, expiration);
        accounts.storeWatch(account, created.id(), clientState, created.expiration());
    }

    /** How long before its expiry a subscription is renewed: Google recommends renewing the (7-day) watch daily. */
    private Duration marginOf(EmailProvider provider) {
        return provider == EmailProvider.GMAIL ? GMAIL_RENEW_BEFORE : renewBefore;
    }

    /** Renews the subscriptions of active accounts that expire within the renewal margin (or never started). */
    public int renewDue() {
        int renewed = 0;
        for (EmailProvider provider : List.of(EmailProvider.GMAIL, EmailProvider.OUTLOOK)) {
            if (!pushConfigured(provider)) {
                continue;
            }
            Duration margin = marginOf(provider);
            for (EmailAccount account : accounts.active(provider)) {
                Optional<Instant> expires = Optional.ofNullable(account.watchExpires());
                if (expires.isEmpty() || expires.get().isBefore(Instant.now().plus(margin))) {
                    startQuietly(account);
                    renewed++;
                }
            }
        }
        return renewed;
    }
}
