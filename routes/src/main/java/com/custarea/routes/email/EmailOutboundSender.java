package com.custarea.routes.email;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.custarea.routes.media.MediaStore;
import com.custarea.routes.support.Correlation;
import com.custarea.routes.support.DeliveryReports;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.SendAttempt;
import com.custarea.routes.support.SendLedger;
import com.custarea.routes.support.SendOutcome;
import com.custarea.routes.support.SendSettlement;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.Attachment;
import com.custarea.schemas.OutboundMessage;
import jakarta.annotation.PreDestroy;
import org.jsoup.nodes.Entities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Sends the e-mails of conversations through their account's provider, each at most once: the message is claimed
 * in the send ledger before the call (none of the three providers has an idempotency key, so a send whose outcome
 * was lost is given up rather than repeated), written as MIME with our Message-ID (recorded on the message first,
 * so a reply threads even before the send is reported) and the thread's In-Reply-To and References, and its outcome
 * settled: sent, parked while the provider throttles or is down, or failed with the provider's reason. An e-mail
 * channel without an account is a sandbox: its mail is recorded, not sent.
 */
@Service
public class EmailOutboundSender {

    /** The error code of a send refused because the account's grant is gone. */
    public static final String NEEDS_REAUTH = "needs-reauth";
    private static final Logger LOG = LoggerFactory.getLogger(EmailOutboundSender.class);

    private final SendLedger ledger;
    private final EmailAccounts accounts;
    private final EmailThreads threads;
    private final EmailMimeWriter writer;
    private final SandboxOutbox sandbox;
    private final MediaStore media;
    private final SendSettlement settlement;
    private final Map<EmailProvider, EmailTransport> transports = new EnumMap<>(EmailProvider.class);
    private final String messageIdDomain;
    private final ExecutorService senders;

    public EmailOutboundSender(SendLedger ledger, EmailAccounts accounts, EmailThreads threads, EmailMimeWriter writer,
                               SandboxOutbox sandbox, MediaStore media, SendSettlement settlement,
                               List<EmailTransport> transports,
                               @Value("${custarea.email.message-id-domain:}") String messageIdDomain,
                               @Value("${custarea.email.send-concurrency:8}") int concurrency) {
        this.ledger = ledger;
        this.accounts = accounts;
        this.threads = threads;
        this.writer = writer;
        this.sandbox = sandbox;
        this.media = media;
        this.settlement = settlement;
        transports.forEach(transport -> this.transports.put(transport.provider(), transport));
        this.messageIdDomain = messageIdDomain;
        this.senders = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "email-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Sends a batch of conversation e-mails and returns their delivery reports. */
    public List<OutgoingRecord> send(List<StageRecord<OutboundMessage>> batch, String stage) {
        Map<UUID, StageRecord<OutboundMessage>> records = batch.stream().collect(Collectors.toMap(
                record -> record.payload().messageId(), Function.identity(), (first, again) -> first,
                LinkedHashMap::new));
        List<OutgoingRecord> output = new ArrayList<>();
        List<OutboundMessage> claimed = new ArrayList<>();
        for (SendLedger.Claim claim : ledger.claim(records.values().stream().map(StageRecord::payload).toList(),
                SendLedger.UnknownOutcome.GIVE_UP)) {
            switch (claim.state()) {
                case CLAIMED -> claimed.add(claim.message());
                case OUTCOME_UNKNOWN -> output.add(DeliveryReports.of(claim.message(), SendOutcome.failed(
                        claim.message().messageId(), "outcome-unknown",
                        "An earlier attempt ended without a recorded outcome; not sent again to avoid a duplicate")));
                case ALREADY_SENT, ALREADY_FAILED -> {
                    // a redelivery: the first delivery sent (or gave up on) it and reported it
                }
            }
        }
        List<SendAttempt> attempts = new ArrayList<>();
        List<OutboundMessage> sandboxed = new ArrayList<>();
        List<CompletableFuture<SendAttempt>> calls = new ArrayList<>();
        Map<UUID, Optional<EmailAccount>> accountsByChannel = new HashMap<>();
        for (OutboundMessage message : claimed) {
            Optional<EmailAccount> account = accountsByChannel.computeIfAbsent(message.channelId(),
                    id -> accounts.find(message.tenantId(), id));
            if (account.isEmpty()) {
                sandboxed.add(message);
                continue;
            }
            if (!account.get().active()) {
                attempts.add(SendAttempt.of(SendOutcome.failed(message.messageId(), NEEDS_REAUTH,
                        "The mailbox " + account.get().address() + " needs to be connected again: "
                                + account.get().statusReason())));
                continue;
            }
            EmailTransport transport = transports.get(account.get().provider());
            Prepared prepared = prepare(message, account.get());
            calls.add(CompletableFuture.supplyAsync(() -> settlement.guarded("email-" + transport.provider()
                    .wireName(), message.channelId(), message, () -> call(transport, prepared)), senders));
        }
        if (!sandboxed.isEmpty()) {
            LOG.info("{} e-mail(s) recorded in the sandbox outbox: their channels have no e-mail account",
                    sandboxed.size());
            sandbox.deliver(sandboxed).stream().map(SendAttempt::of).forEach(attempts::add);
        }
        calls.stream().map(CompletableFuture::join).forEach(attempts::add);
        output.addAll(settlement.settle(records, attempts, outcome -> false, stage));
        return output;
    }

    private Prepared prepare(OutboundMessage message, EmailAccount account) {
        EmailThreads.Thread thread = threads.of(message.tenantId(), message.conversationId(), message.messageId());
        String domain = messageIdDomain.isBlank() ? account.address().substring(account.address().indexOf('@') + 1)
                : messageIdDomain;
        String messageId = EmailMimeWriter.messageIdFor(message.messageId(), domain);
        threads.recordMessageId(message.tenantId(), message.messageId(), messageId);
        String signature = account.signature() == null || account.signature().isBlank() ? null : account.signature();
        String text = message.text() == null ? "" : message.text();
        // a file we do not keep (a link to elsewhere) goes as its link rather than not at all
        List<String> links = message.attachments().stream().map(Attachment::url)
                .filter(url -> url != null && storedMedia(url).isEmpty()).toList();
        if (!links.isEmpty()) {
            text = text + "\n\n" + String.join("\n", links);
        }
        String html = message.html() != null ? message.html()
                : "<div style=\"white-space:pre-wrap\">" + Entities.escape(text) + "</div>";
        if (signature != null) {
            text = text + "\n\n-- \n" + signature;
            html = html + "<div style=\"white-space:pre-wrap\">-- <br>" + Entities.escape(signature) + "</div>";
        }
        OutgoingEmail email = new OutgoingEmail(account.sender(), List.of(EmailAddress.of(message.recipient().value())),
                message.subject() != null ? message.subject() : thread.subject(), text, html,
                files(message), messageId, thread.inReplyTo(), thread.references());
        return new Prepared(message, account, email, thread.providerThreadId());
    }

    private List<EmailFile> files(OutboundMessage message) {
        List<EmailFile> files = new ArrayList<>();
        for (Attachment attachment : message.attachments()) {
            Optional<UUID> stored = attachment.url() == null ? Optional.empty() : storedMedia(attachment.url());
            if (stored.isEmpty()) {
                continue;
            }
            UUID id = stored.get();
            if (media.open(message.tenantId(), id) instanceof MediaStore.Opened.Found found) {
                try {
                    files.add(new EmailFile(attachment.filename() == null ? id.toString() : attachment.filename(),
                            found.content().contentType(), Files.readAllBytes(found.content().file())));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("Could not read the attachment " + id, e);
                }
            }
        }
        return files;
    }

    /**
     * The id of a file in our media store that {@code url} names (its attachment URL, relative or on any host: the
     * store only opens the tenant's own files), if it names one.
     */
    static Optional<UUID> storedMedia(String url) {
        try {
            String path = java.net.URI.create(url).getPath();
            if (path == null || !path.startsWith(MediaStore.URL_PREFIX)) {
                return Optional.empty();
            }
            return Optional.of(UUID.fromString(path.substring(MediaStore.URL_PREFIX.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private SendAttempt call(EmailTransport transport, Prepared prepared) {
        OutboundMessage message = prepared.message();
        try (var correlation = Correlation.scope(message.correlationId())) {
            byte[] raw = writer.toBytes(prepared.email());
            EmailTransport.Sent sent = transport.send(prepared.account(), prepared.email(), raw,
                    prepared.providerThreadId());
            threads.recordProviderThread(message.tenantId(), message.conversationId(), sent.providerThreadId());
            return SendAttempt.of(SendOutcome.sent(message.messageId(), sent.providerMessageId()));
        } catch (EmailProviderUnavailableException e) {
            return new SendAttempt(SendOutcome.retryable(message.messageId(), "provider-unavailable", e.getMessage()),
                    e.retryAfter());
        } catch (EmailProviderRefusedException e) {
            return SendAttempt.of(SendOutcome.failed(message.messageId(), e.code(), e.getMessage()));
        } catch (EmailReauthorizationRequiredException e) {
            return SendAttempt.of(SendOutcome.failed(message.messageId(), NEEDS_REAUTH, e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Sending e-mail {} failed", message.messageId(), e);
            return SendAttempt.of(SendOutcome.failed(message.messageId(), "send-failed",
                    e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    @PreDestroy
    void stopSenders() {
        senders.shutdown();
    }

    private record Prepared(OutboundMessage message, EmailAccount account, OutgoingEmail email,
                            String providerThreadId) {
    }
}
