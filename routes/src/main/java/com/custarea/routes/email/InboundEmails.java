package com.custarea.routes.email;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.media.MediaStore;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.Attachment;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.Topics;
import org.springframework.stereotype.Service;

/**
 * Turns mail that arrived in an account's mailbox into InboundMessages on inbound.messages: the sender is the
 * contact (by address), the Message-ID makes a provider's redelivery a no-op, In-Reply-To and References thread it,
 * attachments are kept in the media store, and an auto-reply or a bulk mailing is marked so that the AI agent
 * leaves it alone. Publishing returns once Kafka has the records.
 */
@Service
public class InboundEmails {

    /** Metadata: the mail's To addresses, comma-separated. */
    public static final String TO = "to";
    /** Metadata: the mail's Cc addresses, comma-separated, when it had any. */
    public static final String CC = "cc";

    private final ChannelRegistry channels;
    private final MediaStore media;
    private final EventPublisher publisher;

    public InboundEmails(ChannelRegistry channels, MediaStore media, EventPublisher publisher) {
        this.channels = channels;
        this.media = media;
        this.publisher = publisher;
    }

    /** One mail as it arrived: parsed, with the provider's own ids for it. */
    public record Arrived(ParsedEmail mail, String providerId, String providerThreadId, Instant receivedAt) {
    }

    /**
     * Publishes the mails that arrived in {@code account}'s mailbox; mails from the account's own address (what we
     * sent, seen again in a synced mailbox) are skipped. Returns how many were published.
     */
    public int publish(EmailAccount account, List<Arrived> arrived, String correlationId) {
        ChannelSettings channel = channels.find(account.tenantId(), account.channelId()).orElseThrow(() ->
                new IllegalStateException("The channel of e-mail account " + account.channelId() + " is gone"));
        List<OutgoingRecord> records = new ArrayList<>();
        for (Arrived mail : arrived) {
            if (mail.mail().from() == null || mail.mail().from().address() == null
                    || mail.mail().from().address().equals(account.address())) {
                continue;
            }
            records.add(OutgoingRecord.of(Topics.INBOUND_MESSAGES, toInbound(account, channel, mail, correlationId)));
        }
        publisher.publish(records);
        return records.size();
    }

    InboundMessage toInbound(EmailAccount account, ChannelSettings channel, Arrived arrived, String correlationId) {
        ParsedEmail mail = arrived.mail();
        String providerMessageId = mail.messageId() != null ? mail.messageId()
                : "<" + account.provider().wireName() + "." + arrived.providerId() + "@custarea.invalid>";
        List<Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < mail.attachments().size(); i++) {
            EmailFile file = mail.attachments().get(i);
            UUID id = DeterministicIds.of("email.attachment", account.channelId() + "|" + providerMessageId + "|" + i);
            attachments.add(media.keepBytes(channel, id, "email:" + providerMessageId + "#" + i, file.filename(),
                    file.contentType(), file.content()));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(InboundMessage.REPLY_TEXT, mail.replyText() == null ? "" : mail.replyText());
        if (mail.autoReply()) {
            metadata.put(InboundMessage.AUTOMATED, "auto-reply");
        } else if (mail.bulk()) {
            metadata.put(InboundMessage.AUTOMATED, "bulk");
        }
        metadata.put(TO, mail.to().stream().map(EmailAddress::address).collect(Collectors.joining(", ")));
        if (!mail.cc().isEmpty()) {
            metadata.put(CC, mail.cc().stream().map(EmailAddress::address).collect(Collectors.joining(", ")));
        }
        Instant now = Instant.now();
        return new InboundMessage(DeterministicIds.of("email.inbound", account.channelId() + "|" + providerMessageId),
                account.tenantId(), now, InboundMessage.SCHEMA_VERSION, correlationId, Channel.EMAIL,
                account.channelId(), providerMessageId, ContactIdentifier.of(IdentifierType.EMAIL,
                mail.from().address()), mail.from().name(), List.of(), mail.subject(), mail.text(), mail.html(),
                attachments, mail.threadReferences(), arrived.providerThreadId(),
                arrived.receivedAt() == null ? now : arrived.receivedAt(), metadata);
    }
}
