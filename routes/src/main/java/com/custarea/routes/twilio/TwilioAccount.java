package com.custarea.routes.twilio;

import java.util.Optional;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A WhatsApp or SMS channel's Twilio account: the account SID and sender (a number or a messaging service) from the
 * channel's settings, and from its sealed secret the auth token (Twilio signs webhooks with it) and, optionally, an
 * API key to call the REST API with instead of the token.
 *
 * <p>The secret is either the auth token itself or a JSON object
 * {@code {"authToken": "…", "apiKeySid": "SK…", "apiKeySecret": "…"}}.
 *
 * @param phoneNumber         the channel's number in E.164, without the {@code whatsapp:} prefix
 * @param messagingServiceSid the messaging service (MG…) that sends for the channel, if it uses one
 */
public record TwilioAccount(String accountSid, String phoneNumber, String messagingServiceSid, String authToken,
                            String apiKeySid, String apiKeySecret) {

    /** Channel setting: the account SID (AC…). */
    public static final String ACCOUNT_SID = "accountSid";
    /** Channel setting: the number in E.164. */
    public static final String PHONE_NUMBER = "phoneNumber";
    /** Channel setting: the messaging service SID (MG…), when the number belongs to one. */
    public static final String MESSAGING_SERVICE_SID = "messagingServiceSid";

    /** The account of {@code channel}, when its settings and secret name one (otherwise the channel is a sandbox). */
    public static Optional<TwilioAccount> of(ChannelSettings channel, ChannelRegistry channels) {
        Optional<String> accountSid = channel.setting(ACCOUNT_SID).filter(value -> !value.isBlank());
        Optional<String> secret = channels.secretOf(channel).filter(value -> !value.isBlank());
        if (accountSid.isEmpty() || secret.isEmpty()) {
            return Optional.empty();
        }
        String phoneNumber = channel.setting(PHONE_NUMBER).orElse(null);
        String service = channel.setting(MESSAGING_SERVICE_SID).filter(value -> !value.isBlank()).orElse(null);
        String value = secret.get().trim();
        if (!value.startsWith("{")) {
            return Optional.of(new TwilioAccount(accountSid.get(), phoneNumber, service, value, null, null));
        }
        JsonNode json = PayloadJson.tree(value);
        return Optional.of(new TwilioAccount(accountSid.get(), phoneNumber, service, text(json, "authToken"),
                text(json, "apiKeySid"), text(json, "apiKeySecret")));
    }

    /** The user name of REST calls: the API key when there is one, else the account. */
    public String restUsername() {
        return apiKeySid != null ? apiKeySid : accountSid;
    }

    /** The password of REST calls: the API key's secret when there is one, else the auth token. */
    public String restPassword() {
        return apiKeySid != null ? apiKeySecret : authToken;
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    @Override
    public String toString() {
        return "TwilioAccount[accountSid=" + accountSid + ", phoneNumber=" + phoneNumber + ", messagingServiceSid="
                + messagingServiceSid + "]";
    }
}
