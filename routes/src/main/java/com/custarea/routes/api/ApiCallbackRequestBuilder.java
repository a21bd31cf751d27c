package com.custarea.routes.api;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.routes.support.PermanentFailure;
import com.custarea.routes.support.RecordTracing;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.PayloadJson;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Builds the signed callback request for an outbound message from the channel's callback URL and secret: the body
 * is an {@link ApiCallback}; the headers carry the timestamped HMAC, the delivery id, the correlation id and, with
 * tracing on, the trace context.
 */
@Component
public class ApiCallbackRequestBuilder implements Processor {

    /** The channel setting that holds the callback URL. */
    public static final String CALLBACK_URL_SETTING = "callbackUrl";

    private final ChannelRegistry channels;
    private final RecordTracing tracing;
    private final Clock clock;

    public ApiCallbackRequestBuilder(ChannelRegistry channels, RecordTracing tracing) {
        this.channels = channels;
        this.tracing = tracing;
        this.clock = Clock.systemUTC();
    }

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        OutboundMessage outbound = exchange.getMessage().getMandatoryBody(OutboundMessage.class);
        ChannelSettings channel = channels.find(outbound.tenantId(), outbound.channelId())
                .orElseThrow(() -> new PermanentFailure("channel-missing",
                        "The tenant has no channel " + outbound.channelId()));
        String url = channel.setting(CALLBACK_URL_SETTING).orElseThrow(() -> new PermanentFailure(
                "no-callback-url", "The API channel " + channel.id() + " has no callback URL"));
        String secret = channels.secretOf(channel).orElseThrow(() -> new PermanentFailure(
                "no-secret", "The API channel " + channel.id() + " has no secret to sign with"));
        byte[] body = PayloadJson.write(new ApiCallback(ApiCallback.MESSAGE_OUTBOUND, outbound.messageId(),
                outbound.messageId(), outbound.conversationId(), outbound.contactId(), outbound.recipient(),
                outbound.senderType(), outbound.text(), outbound.attachments(), outbound.metadata(),
                outbound.occurredAt())).getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();

        Message request = exchange.getMessage();
        request.getHeaders().clear();
        request.setHeader(Exchange.HTTP_METHOD, "POST");
        request.setHeader(Exchange.HTTP_URI, url);
        request.setHeader(Exchange.CONTENT_TYPE, "application/json");
        request.setHeader(ApiChannelHeaders.TIMESTAMP, Long.toString(timestamp));
        request.setHeader(ApiChannelHeaders.SIGNATURE, ApiChannelHeaders.SIGNATURE_PREFIX
                + HmacSignatures.timestampedSha256Hex(secret, timestamp, body));
        request.setHeader(ApiChannelHeaders.DELIVERY_ID, outbound.messageId().toString());
        request.setHeader(ApiChannelHeaders.EVENT, ApiCallback.MESSAGE_OUTBOUND);
        request.setHeader(ApiChannelHeaders.CHANNEL_ID, channel.id().toString());
        if (outbound.correlationId() != null) {
            request.setHeader(ApiChannelHeaders.CORRELATION_ID, outbound.correlationId());
        }
        // the tenant's system may continue the message's trace (W3C traceparent), when tracing is on
        tracing.currentHeaders().forEach(request::setHeader);
        request.setBody(body);
    }
}
