package com.custarea.routes.twilio;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.conversations.MessageStore;
import com.custarea.routes.conversations.OutboundTemplates;
import com.custarea.routes.email.SandboxOutbox;
import com.custarea.routes.support.Correlation;
import com.custarea.routes.support.DeliveryReports;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.ProviderCallErrorHandling;
import com.custarea.routes.support.PublicUrls;
import com.custarea.routes.support.SendLedger;
import com.custarea.routes.support.SendAttempt;
import com.custarea.routes.support.SendOutcome;
import com.custarea.routes.support.SendSettlement;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.Attachment;
import com.custarea.schemas.Channel;
import com.custarea.schemas.OutboundMessage;
import com.twilio.exception.ApiException;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import jakarta.annotation.PreDestroy;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Sends WhatsApp and SMS messages through Twilio, each at most once: a message is claimed in the send ledger before
 * the call (a message whose earlier call has no recorded outcome is given up, not sent twice, because Twilio's
 * Messages API has no idempotency key), and the outcome is recorded before the offsets move. A WhatsApp message
 * outside the 24-hour session window must be a template; a free-form one fails with Twilio's own code 63016 without
 * a call. A channel without an account is a sandbox: its messages are recorded, not sent.
 */
@Service
public class TwilioOutboundSender {

    /** Twilio's error code for a free-form WhatsApp message outside the 24-hour window. */
    public static final String OUTSIDE_WINDOW = "63016";
    static final Duration SESSION_WINDOW = Duration.ofHours(24);
    private static final Logger LOG = LoggerFactory.getLogger(TwilioOutboundSender.class);

    private final SendLedger ledger;
    private final ChannelRegistry channels;
    private final MessageStore messages;
    private final SandboxOutbox sandbox;
    private final TwilioRestClients clients;
    private final PublicUrls publicUrls;
    private final ProducerTemplate producer;
    private final ExecutorService senders;
    private final SendSettlement settlement;
    private final TwilioConnectionOverrides overrides;

    public TwilioOutboundSender(SendLedger ledger, ChannelRegistry channels, MessageStore messages,
                                SandboxOutbox sandbox, TwilioRestClients clients, PublicUrls publicUrls,
                                ProducerTemplate producer,
                                @Value("${custarea.channels.twilio.send-concurrency:16}") int concurrency,
                                SendSettlement settlement, TwilioConnectionOverrides overrides) {
        this.ledger = ledger;
        this.overrides = overrides;
        this.settlement = settlement;
        this.channels = channels;
        this.messages = messages;
        this.sandbox = sandbox;
        this.clients = clients;
        this.publicUrls = publicUrls;
        this.producer = producer;
        this.senders = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "twilio-sender");
            thread.setDaemon(true);
            return thread;
        });
        if (publicUrls.base().isEmpty()) {
            LOG.warn("custarea.public-base-url (CUSTAREA_PUBLIC_BASE_URL) is not set: WhatsApp and SMS messages are "
                    + "sent without a StatusCallback, so they stay 'sent' (no delivered, read or failed after Twilio "
                    + "accepts them); set it to the https URL at which Twilio reaches this app");
        }
    }

    /** Sends a batch of {@code channel}'s outbound records and returns their delivery reports. */
    public List<OutgoingRecord> send(Channel channel, List<StageRecord<OutboundMessage>> batch) {
        Map<UUID, StageRecord<OutboundMessage>> records = batch.stream().collect(Collectors.toMap(
                record -> record.payload().messageId(), Function.identity(), (first, again) -> first,
                LinkedHashMap::new));
        List<SendLedger.Claim> claims = ledger.claim(records.values().stream().map(StageRecord::payload).toList(),
                SendLedger.UnknownOutcome.GIVE_UP);
        List<OutgoingRecord> output = new ArrayList<>();
        List<OutboundMessage> claimed = new ArrayList<>();
        for (SendLedger.Claim claim : claims) {
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
        Map<UUID, Instant> lastInbound = channel == Channel.WHATSAPP
                ? messages.lastInboundAt(claimed.stream().map(OutboundMessage::conversationId).distinct().toList())
                : Map.of();

        List<SendOutcome> outcomes = new ArrayList<>();
        List<OutboundMessage> sandboxed = new ArrayList<>();
        List<CompletableFuture<SendAttempt>> calls = new ArrayList<>();
        Map<UUID, ChannelSettings> settingsById = new HashMap<>();
        for (OutboundMessage message : claimed) {
            Optional<ChannelSettings> settings = Optional.ofNullable(settingsById.computeIfAbsent(message.channelId(),
                    id -> channels.find(message.tenantId(), id).orElse(null)));
            if (settings.isEmpty() || !settings.get().enabled()) {
                outcomes.add(SendOutcome.failed(message.messageId(), "channel-unavailable",
                        "The channel " + message.channelId() + " is missing or disabled"));
                continue;
            }
            if (channel == Channel.WHATSAPP && isFreeForm(message) && outsideWindow(lastInbound.get(
                    message.conversationId()))) {
                outcomes.add(SendOutcome.failed(message.messageId(), OUTSIDE_WINDOW,
                        "The contact last wrote more than 24 hours ago: outside WhatsApp's session window only a "
                                + "template (contentSid) can be sent"));
                continue;
            }
            Optional<TwilioAccount> account = TwilioAccount.of(settings.get(), channels);
            if (account.isEmpty()) {
                sandboxed.add(message);
                continue;
            }
            calls.add(CompletableFuture.supplyAsync(() -> settlement.guarded("twilio", message.channelId(), message,
                    () -> call(channel, message, account.get())), senders));
        }
        if (!sandboxed.isEmpty()) {
            LOG.info("{} {} message(s) recorded in the sandbox outbox: their channels have no Twilio account",
                    sandboxed.size(), channel.wireName());
            outcomes.addAll(sandbox.deliver(sandboxed));
        }
        List<SendAttempt> attempts = new ArrayList<>(outcomes.stream().map(SendAttempt::of).toList());
        calls.stream().map(CompletableFuture::join).forEach(attempts::add);
        // Twilio's refusals (21211, 63016, …) are final and reported; only what was given up on is dead-lettered
        output.addAll(settlement.settle(records, attempts, outcome -> false, "outbound-" + channel.wireName()));
        return output;
    }

    private static boolean isFreeForm(OutboundMessage message) {
        return !message.metadata().containsKey(OutboundTemplates.CONTENT_SID);
    }

    private static boolean outsideWindow(Instant lastInbound) {
        return lastInbound == null || lastInbound.isBefore(Instant.now().minus(SESSION_WINDOW));
    }

    private SendAttempt call(Channel channel, OutboundMessage message, TwilioAccount account) {
        try (var correlation = Correlation.scope(message.correlationId())) {
            Message sent = producer.requestBodyAndHeaders(TwilioSendRoute.ENDPOINT, null,
                    headers(channel, message, account), Message.class);
            return SendAttempt.of(SendOutcome.sent(message.messageId(), sent.getSid()));
        } catch (CamelExecutionException e) {
            return failure(message, e.getCause() == null ? e : e.getCause());
        }
    }

    private Map<String, Object> headers(Channel channel, OutboundMessage message, TwilioAccount account) {
        String prefix = channel == Channel.WHATSAPP ? "whatsapp:" : "";
        Map<String, Object> headers = new HashMap<>();
        headers.put(TwilioSendRoute.CLIENT_HEADER, clients.of(account));
        headers.put(TwilioSendRoute.TO, new PhoneNumber(prefix + message.recipient().value()));
        if (account.messagingServiceSid() != null) {
            headers.put(TwilioSendRoute.MESSAGING_SERVICE_SID, account.messagingServiceSid());
        } else {
            headers.put(TwilioSendRoute.FROM, new PhoneNumber(prefix + account.phoneNumber()));
        }
        // camel-twilio picks the creator overload by its arguments; Body is the one every send names
        headers.put(TwilioSendRoute.BODY, message.text());
        List<URI> media = message.attachments().stream().map(Attachment::url)
                .filter(url -> url != null && (url.startsWith("https://") || url.startsWith("http://")))
                .map(URI::create).toList();
        if (!media.isEmpty()) {
            headers.put(TwilioSendRoute.MEDIA_URL, media);
        }
        String contentSid = message.metadata().get(OutboundTemplates.CONTENT_SID);
        if (contentSid != null) {
            headers.put(TwilioSendRoute.CONTENT_SID, contentSid);
            String variables = message.metadata().get(OutboundTemplates.CONTENT_VARIABLES);
            if (variables != null) {
                headers.put(TwilioSendRoute.CONTENT_VARIABLES, variables);
            }
        }
        // the overrides' fragment makes Twilio retry a callback we could not take (a 5xx while Kafka is away)
        publicUrls.of(TwilioWebhookPaths.statusCallback(message.channelId(), message.messageId()))
                .ifPresent(url -> headers.put(TwilioSendRoute.STATUS_CALLBACK, URI.create(overrides.appendTo(url))));
        return headers;
    }

    private static SendAttempt failure(OutboundMessage message, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ApiException api && api.getCode() != null) {
                return SendAttempt.of(SendOutcome.failed(message.messageId(), api.getCode().toString(),
                        "Twilio refused the message: " + api.getMessage()));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        String description = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (ProviderCallErrorHandling.isRetryable(cause)) {
            // Twilio is throttling or down: parked, tried again no sooner than its Retry-After
            return new SendAttempt(SendOutcome.retryable(message.messageId(), "retries-exhausted", description),
                    ProviderCallErrorHandling.retryAfter(cause));
        }
        return SendAttempt.of(SendOutcome.failed(message.messageId(), "send-failed", description));
    }

    @PreDestroy
    void stopSenders() {
        senders.shutdown();
    }
}
