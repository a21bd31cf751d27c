package com.custarea.routes.twilio;

import java.util.UUID;

/** Where Twilio calls CustArea: the paths a tenant enters in the Twilio console, and our status callbacks. */
public final class TwilioWebhookPaths {

    public static final String BASE = "/api/webhooks/twilio";
    public static final String WHATSAPP = BASE + "/whatsapp";
    public static final String SMS = BASE + "/sms";
    public static final String STATUS = BASE + "/status";
    /** Query parameters of the status callback: which channel sent which message. */
    public static final String CHANNEL_ID_PARAM = "channelId";
    public static final String MESSAGE_ID_PARAM = "messageId";

    private TwilioWebhookPaths() {
    }

    /** The path and query of the status callback of {@code messageId}, sent on {@code channelId}. */
    public static String statusCallback(UUID channelId, UUID messageId) {
        return STATUS + "?" + CHANNEL_ID_PARAM + "=" + channelId + "&" + MESSAGE_ID_PARAM + "=" + messageId;
    }
}
