package com.custarea.routes.twilio;

import java.time.Instant;
import java.util.Optional;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.KafkaRecords;
import com.custarea.routes.support.RecordTracing;
import com.custarea.schemas.Channel;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.Topics;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Turns a Twilio messaging webhook (WhatsApp or SMS) into the inbound.messages record: the channel is the one that
 * receives on the message's messaging service or, failing that, its {@code To} number; the request is verified
 * against that channel's auth token before anything else happens.
 */
@Component
public class TwilioMessageReceiver {

    private final TwilioWebhookReader reader;
    private final TwilioMessageMapper mapper;
    private final ChannelRegistry channels;
    private final RecordTracing tracing;

    public TwilioMessageReceiver(TwilioWebhookReader reader, TwilioMessageMapper mapper, ChannelRegistry channels,
            RecordTracing tracing) {
        this.reader = reader;
        this.mapper = mapper;
        this.channels = channels;
        this.tracing = tracing;
    }

    /** Verifies and maps the webhook of {@code type} and makes the exchange its Kafka record. */
    public void receive(Exchange exchange, Channel type) {
        TwilioWebhook webhook = reader.read(exchange, request -> receivingChannel(type, request));
        InboundMessage inbound = mapper.toInboundMessage(webhook, Instant.now());
        KafkaRecords.become(exchange.getMessage(), Topics.INBOUND_MESSAGES, inbound);
        tracing.stampCurrent(exchange.getMessage());
    }

    private Optional<ChannelSettings> receivingChannel(Channel type, TwilioWebhookReader.Parameters request) {
        String service = request.parameters().get("MessagingServiceSid");
        Optional<ChannelSettings> byService = channels.findByAddress(type, TwilioAccount.MESSAGING_SERVICE_SID,
                service);
        if (byService.isPresent()) {
            return byService;
        }
        String to = request.parameters().get("To");
        if (to == null) {
            return Optional.empty();
        }
        String number = to.trim().replaceFirst("^(?i)whatsapp:", "");
        return channels.findByAddress(type, TwilioAccount.PHONE_NUMBER, number);
    }
}
