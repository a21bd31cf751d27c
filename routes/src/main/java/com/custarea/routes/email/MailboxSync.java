package com.custarea.routes.email;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Reads new mail from Gmail and Outlook mailboxes from where the last read stopped (Gmail's history id, Graph's
 * delta link), publishes it, and only then moves the cursor: a crash or a lost notification is caught up by the
 * next read, and mail read twice is stored once (its Message-ID). Gmail answers 404 for a history id too old: then
 * the last week of the inbox is read again. Notifications only say "look now"; reads of one mailbox never overlap.
 */
@Service
public class MailboxSync {

    /** What the full sync reads when Gmail's history no longer reaches back to our cursor. */
    static final String FULL_SYNC_QUERY = "in:inbox newer_than:7d";
    private static final Logger LOG = LoggerFactory.getLogger(MailboxSync.class);

    private final EmailAccounts accounts;
    private final MailboxTokens tokens;
    private final GmailApi gmail;
    private final GraphMailApi graph;
    private final EmailMimeReader reader;
    private final InboundEmails inbound;
    private final EmailDeliveryReports reports;
    private final ExecutorService workers;
    private final Map<UUID, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final Map<UUID, AtomicBoolean> again = new ConcurrentHashMap<>();

    public MailboxSync(EmailAccounts accounts, MailboxTokens tokens, GmailApi gmail, GraphMailApi graph,
                       EmailMimeReader reader, InboundEmails inbound, EmailDeliveryReports reports) {
        this.reports = reports;
        this.accounts = accounts;
        this.tokens = tokens;
        this.gmail = gmail;
        this.graph = graph;
        this.reader = reader;
        this.inbound = inbound;
        this.workers = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "mailbox-sync");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Reads {@code account}'s new mail in the background; a read under way reads again when it is done. */
    public void requestSync(EmailAccount account) {
        again.computeIfAbsent(account.channelId(), id -> new AtomicBoolean()).set(true);
        if (running.computeIfAbsent(account.channelId(), id -> new AtomicBoolean()).compareAndSet(false, true)) {
            workers.submit(() -> drain(account.channelId()));
        }
    }

    private void drain(UUID channelId) {
        try {
            while (again.get(channelId).getAndSet(false)) {
                accounts.find(channelId).filter(EmailAccount::active).ifPresent(this::syncQuietly);
            }
        } finally {
            running.get(channelId).set(false);
            if (again.get(channelId).get() && running.get(channelId).compareAndSet(false, true)) {
                workers.submit(() -> drain(channelId));
            }
        }
    }

    /** Reads {@code account}'s new mail now, logging rather than throwing what the provider answered. */
    public int syncQuietly(EmailAccount account) {
        try {
            return sync(account);
        } catch (EmailReauthorizationRequiredException e) {
            LOG.warn("Mailbox {} needs to be connected again: {}", account.address(), e.getMessage());
        } catch (EmailProviderUnavailableException e) {
            LOG.info("Mailbox {} could not be read now, tried again later: {}", account.address(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Reading mailbox {} failed", account.address(), e);
        }
        return 0;
    }

    /** Reads {@code account}'s new mail now and returns how many mails were published. */
    public int sync(EmailAccount account) {
        return switch (account.provider()) {
            case GMAIL -> tokens.call(account, token -> syncGmail(account, token));
            case OUTLOOK -> tokens.call(account, token -> syncOutlook(account, token));
            case SES -> 0;
        };
    }

    private int syncGmail(EmailAccount account, String token) {
        if (account.syncCursor() == null) {
            // a new mailbox: mail from now on, not its whole past
            accounts.storeSyncCursor(account.channelId(), gmail.profile(token).historyId());
            return 0;
        }
        try {
            int published = 0;
            String pageToken = null;
            String cursor = account.syncCursor();
            do {
                GmailApi.HistoryPage page = gmail.history(token, account.syncCursor(), pageToken);
                published += publishGmail(account, token, page.added().stream().map(GmailApi.MessageRef::id).toList());
                pageToken = page.nextPageToken();
                if (page.historyId() != null) {
                    cursor = page.historyId();
                }
            } while (pageToken != null);
            accounts.storeSyncCursor(account.channelId(), cursor);
            return published;
        } catch (GmailHistoryExpiredException e) {
            LOG.info("Gmail's history of {} no longer reaches {}: reading the last week of the inbox again",
                    account.address(), account.syncCursor());
            return fullGmailSync(account, token);
        }
    }

    private int fullGmailSync(EmailAccount account, String token) {
        String historyId = gmail.profile(token).historyId();
        int published = 0;
        String pageToken = null;
        do {
            GmailApi.ListPage page = gmail.list(token, FULL_SYNC_QUERY, pageToken);
            published += publishGmail(account, token, page.messages().stream().map(GmailApi.MessageRef::id).toList());
            pageToken = page.nextPageToken();
        } while (pageToken != null);
        accounts.storeSyncCursor(account.channelId(), historyId);
        return published;
    }

    private int publishGmail(EmailAccount account, String token, List<String> messageIds) {
        List<InboundEmails.Arrived> arrived = new ArrayList<>();
        for (String id : messageIds) {
            GmailApi.RawMail raw = gmail.fetchRaw(token, id);
            if (raw.labelIds().contains("SENT") || raw.labelIds().contains("DRAFT")) {
                continue;
            }
            read(account, raw.mime(), id, raw.threadId(), raw.internalDate(), arrived);
        }
        return inbound.publish(account, arrived, "gmail-sync");
    }

    private int syncOutlook(EmailAccount account, String token) {
        boolean first = account.syncCursor() == null;
        String link = account.syncCursor();
        int published = 0;
        while (true) {
            GraphMailApi.DeltaPage page = graph.delta(token, link);
            List<InboundEmails.Arrived> arrived = new ArrayList<>();
            for (String id : page.messageIds()) {
                GraphMailApi.GraphMessageInfo info = graph.message(token, id);
                // a new mailbox: mail from the time it was connected on, not its whole past
                if (first && info.receivedAt() != null && info.receivedAt().isBefore(
                        account.createdAt().minus(java.time.Duration.ofMinutes(5)))) {
                    continue;
                }
                read(account, graph.fetchMime(token, id), id, info.conversationId(), info.receivedAt(), arrived);
            }
            published += inbound.publish(account, arrived, "outlook-sync");
            if (page.nextLink() != null) {
                link = page.nextLink();
                continue;
            }
            accounts.storeSyncCursor(account.channelId(), page.deltaLink());
            return published;
        }
    }

    private void read(EmailAccount account, byte[] raw, String providerId, String threadId, Instant receivedAt,
                      List<InboundEmails.Arrived> arrived) {
        if (reports.reportIfDeliveryNotification(account, raw)) {
            // a bounce updates the status of the mail it is about; it never opens a conversation
            return;
        }
        try {
            arrived.add(new InboundEmails.Arrived(reader.parse(raw), providerId, threadId, receivedAt));
        } catch (MalformedEmailException e) {
            LOG.warn("Mail {} of {} could not be read and is left in the mailbox: {}", providerId, account.address(),
                    e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        workers.shutdown();
    }
}
