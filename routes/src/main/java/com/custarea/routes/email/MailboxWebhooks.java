package com.custarea.routes.email;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.custarea.routes.support.HttpResponses;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.support.HttpBodies;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The push endpoints of Gmail (Pub/Sub, its OIDC token verified) and Outlook (Graph change notifications: the
 * validation handshake, then clientState checked per notification). A notification only says "look now": the
 * mailbox is read in the background from its stored cursor and the provider gets its answer at once, so a
 * notification lost or refused costs a delay, never mail.
 */
@Component
public class MailboxWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxWebhooks.class);

    private final GmailPushVerifier gmailPush;
    private final EmailAccounts accounts;
    private final MailboxSync sync;
    private final MailboxWatches watches;
    private final MeterRegistry meters;
    private final int maxBodyBytes;

    public MailboxWebhooks(GmailPushVerifier gmailPush, EmailAccounts accounts, MailboxSync sync,
                           MailboxWatches watches, MeterRegistry meters,
                           @Value("${custarea.email.max-notification-bytes:1048576}") int maxBodyBytes) {
        this.gmailPush = gmailPush;
        this.accounts = accounts;
        this.sync = sync;
        this.watches = watches;
        this.meters = meters;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** POST /api/webhooks/gmail: a Pub/Sub push naming a mailbox and its new history id. */
    public void gmail(Exchange exchange) {
        Message message = exchange.getMessage();
        if (!gmailPush.verify(message.getHeader("Authorization", String.class))) {
            throw rejected("gmail", "invalid-token", "The push carries no valid Google OIDC token for our audience");
        }
        GmailPushVerifier.PushNotice notice;
        try {
            notice = GmailPushVerifier.decode(HttpBodies.read(message, maxBodyBytes));
        } catch (InvalidPushException e) {
            throw ProblemException.badRequest(e.getMessage(), List.of());
        }
        Optional<EmailAccount> account = accounts.findByAddress(EmailProvider.GMAIL, notice.emailAddress());
        if (account.isEmpty()) {
            // acknowledged: Pub/Sub would redeliver a refusal for days, and no account will appear for it
            LOG.info("Gmail push for {}, which no account has", notice.emailAddress());
        } else if (account.get().active()) {
            sync.requestSync(account.get());
        }
        HttpResponses.text(exchange, 204, "text/plain", "");
    }

    /** POST /api/webhooks/microsoft: Graph's validation handshake, change and lifecycle notifications. */
    public void microsoft(Exchange exchange) {
        Message message = exchange.getMessage();
        String validationToken = message.getHeader("validationToken", String.class);
        if (validationToken != null) {
            // Graph waits 10 s for its token back, as plain text
            HttpResponses.text(exchange, 200, "text/plain", validationToken);
            return;
        }
        List<GraphNotifications.GraphNotification> notifications;
        try {
            notifications = GraphNotifications.parse(HttpBodies.read(message, maxBodyBytes));
        } catch (InvalidGraphNotificationException e) {
            throw ProblemException.badRequest(e.getMessage(), List.of());
        }
        List<Runnable> work = new ArrayList<>();
        for (GraphNotifications.GraphNotification notification : notifications) {
            Optional<EmailAccount> account = accounts.findByWatch(notification.subscriptionId());
            if (account.isEmpty()) {
                LOG.info("Graph notification for subscription {}, which no account has",
                        notification.subscriptionId());
                continue;
            }
            String expected = accounts.watchSecretOf(account.get()).orElse(null);
            if (expected == null || !GraphNotifications.clientStateMatches(expected, notification.clientState())) {
                throw rejected("microsoft", "invalid-client-state",
                        "A notification's clientState is not the one of its subscription");
            }
            work.add(actionFor(account.get(), notification));
        }
        work.forEach(Runnable::run);
        HttpResponses.text(exchange, 202, "text/plain", "");
    }

    private Runnable actionFor(EmailAccount account, GraphNotifications.GraphNotification notification) {
        String lifecycle = notification.lifecycleEvent();
        if (lifecycle == null || "missed".equals(lifecycle)) {
            // a missed notification is caught up by the delta query like any other
            return () -> sync.requestSync(account);
        }
        if ("reauthorizationRequired".equals(lifecycle) || "subscriptionRemoved".equals(lifecycle)) {
            return () -> {
                watches.restartQuietly(account);
                sync.requestSync(account);
            };
        }
        LOG.info("Graph lifecycle event {} for {} ignored", lifecycle, account.address());
        return () -> { };
    }

    private ProblemException rejected(String provider, String reason, String detail) {
        meters.counter("custarea.webhooks.rejected", "provider", provider, "reason", reason).increment();
        return ProblemException.forbidden(reason, detail);
    }
}
