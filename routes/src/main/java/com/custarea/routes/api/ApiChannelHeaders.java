package com.custarea.routes.api;

/** The HTTP headers of the API channel, inbound (the tenant's system signs) and outbound (we sign callbacks). */
public final class ApiChannelHeaders {

    /** {@code sha256=} + hex HMAC-SHA256 of {@code timestamp + "." + body} under the channel's secret. */
    public static final String SIGNATURE = "X-CustArea-Signature";
    /** Unix seconds when the request was signed; requests outside the tolerance are refused as replays. */
    public static final String TIMESTAMP = "X-CustArea-Timestamp";
    /** On callbacks: our message id, the same on every retry, so the receiver can drop duplicates. */
    public static final String DELIVERY_ID = "X-CustArea-Delivery-Id";
    /** On callbacks: the channel the message went out on (one receiver may serve several channels). */
    public static final String CHANNEL_ID = "X-CustArea-Channel-Id";
    /** On callbacks: what the callback is about. */
    public static final String EVENT = "X-CustArea-Event";
    /** Optional on requests, always on responses: the correlation id of the interaction. */
    public static final String CORRELATION_ID = "X-Correlation-Id";
    /** The REST DSL path parameter holding the channel id. */
    public static final String CHANNEL_ID_PARAM = "channelId";

    /** The prefix of the signature value. */
    public static final String SIGNATURE_PREFIX = "sha256=";

    private ApiChannelHeaders() {
    }
}
