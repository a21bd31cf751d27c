package com.custarea.routes.twilio;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.conversations.MessageStore;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.KafkaRecords;
import com.custarea.routes.support.RecordTracing;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Channel;
import com.custarea.schemas.DeliveryStatus;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.Topics;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Turns Twilio's status callback of a message we sent into a delivery.status record. The callback URL we gave Twilio
 * names the channel and our message id; the channel's token verifies it, and the message must be one that channel
 * sent. Twilio's interim states (queued, sending, …) are acknowledged and dropped; the status updater applies the
 * rest only forward, so callbacks arriving out of order end in the right state.
 */
@Component
public class TwilioStatusReceiver {

    /** Exchange property: true when the callback became a record to publish. */
    public static final String HAS_RECORD = "custarea.twilio.hasRecord";

    private final TwilioWebhookReader reader;
    private final ChannelRegistry channels;
    private final MessageStore messages;
    private final RecordTracing tracing;

    public TwilioStatusReceiver(TwilioWebhookReader reader, ChannelRegistry channels, MessageStore messages,
            RecordTracing tracing) {
        this.reader = reader;
        this.channels = channels;
        this.messages = messages;
        this.tracing = tracing;
    }

    public void receive(Exchange exchange) {
        TwilioWebhook webhook = reader.read(exchange, request -> uuid(request.query()
                .get(TwilioWebhookPaths.CHANNEL_ID_PARAM)).flatMap(channels::find)
                .filter(channel -> channel.type() == Channel.WHATSAPP || channel.type() == Channel.SMS));
        ChannelSettings channel = webhook.channel();
        UUID messageId = uuid(webhook.query().get(TwilioWebhookPaths.MESSAGE_ID_PARAM)).orElseThrow(() ->
                ProblemException.notFound("The callback names no message of ours"));
        if (!messages.isOutboundOf(channel.tenantId(), channel.id(), messageId)) {
            throw ProblemException.notFound("This channel sent no message " + messageId);
        }
        String twilioStatus = webhook.parameter("MessageStatus").or(() -> webhook.parameter("SmsStatus"))
                .orElse("").toLowerCase(Locale.ROOT);
        Optional<MessageStatus> status = TwilioStatuses.toMessageStatus(twilioStatus);
        exchange.setProperty(HAS_RECORD, status.isPresent());
        if (status.isEmpty()) {
            return;
        }
        String sid = webhook.parameter("MessageSid").or(() -> webhook.parameter("SmsSid")).orElse(null);
        boolean failed = status.get() == MessageStatus.FAILED;
        DeliveryStatus report = new DeliveryStatus(
                DeterministicIds.of("twilio.status:" + twilioStatus, messageId), channel.tenantId(), Instant.now(),
                DeliveryStatus.SCHEMA_VERSION, sid, messageId, channel.type(), status.get(), sid,
                failed ? webhook.parameter("ErrorCode").orElse(twilioStatus) : null,
                failed ? webhook.parameter("ErrorMessage").orElse("Twilio reported the message " + twilioStatus)
                        : null);
        KafkaRecords.become(exchange.getMessage(), Topics.DELIVERY_STATUS, report);
        tracing.stampCurrent(exchange.getMessage());
    }

    private static Optional<UUID> uuid(String value) {
        try {
            return Optional.ofNullable(value).map(UUID::fromString);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
