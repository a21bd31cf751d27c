package com.custarea.routes.email;

import java.io.IOException;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A message Amazon SNS posts to an HTTP(S) subscription, with its fields exactly as sent (the timestamp too, since
 * the signature covers its text).
 *
 * @param subject        the Subject of a notification, or null when it was published without one
 * @param subscribeUrl   the address that confirms the subscription (confirmations only, else null)
 * @param token          the subscription token (confirmations only, else null)
 * @param unsubscribeUrl the address that ends the subscription (notifications only, else null)
 */
public record SnsMessage(String type, String messageId, String topicArn, String subject, String message,
                         String timestamp, String signatureVersion, String signature, String signingCertUrl,
                         String subscribeUrl, String token, String unsubscribeUrl) {

    public static final String NOTIFICATION = "Notification";
    public static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    public static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

    static final String TYPE = "Type";
    static final String MESSAGE_ID = "MessageId";
    static final String TOKEN = "Token";
    static final String TOPIC_ARN = "TopicArn";
    static final String SUBJECT = "Subject";
    static final String MESSAGE = "Message";
    static final String TIMESTAMP = "Timestamp";
    static final String SIGNATURE_VERSION = "SignatureVersion";
    static final String SIGNATURE = "Signature";
    static final String SIGNING_CERT_URL = "SigningCertURL";
    static final String SUBSCRIBE_URL = "SubscribeURL";
    static final String UNSUBSCRIBE_URL = "UnsubscribeURL";

    /** Reads an SNS request body; refuses one that is not JSON, of an unknown Type, or without a field SNS sends. */
    public static SnsMessage parse(byte[] body) {
        JsonNode root;
        try {
            root = body == null ? null : PayloadJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new InvalidSnsMessageException("The SNS message is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSnsMessageException("The SNS message is not a JSON object");
        }
        String type = required(root, TYPE);
        boolean confirmation = SUBSCRIPTION_CONFIRMATION.equals(type) || UNSUBSCRIBE_CONFIRMATION.equals(type);
        if (!confirmation && !NOTIFICATION.equals(type)) {
            throw new InvalidSnsMessageException("Unknown SNS message Type " + type);
        }
        return new SnsMessage(type, required(root, MESSAGE_ID), required(root, TOPIC_ARN),
                optional(root, SUBJECT), required(root, MESSAGE), required(root, TIMESTAMP),
                required(root, SIGNATURE_VERSION), required(root, SIGNATURE), required(root, SIGNING_CERT_URL),
                confirmation ? required(root, SUBSCRIBE_URL) : optional(root, SUBSCRIBE_URL),
                confirmation ? required(root, TOKEN) : optional(root, TOKEN), optional(root, UNSUBSCRIBE_URL));
    }

    public boolean isNotification() {
        return NOTIFICATION.equals(type);
    }

    public boolean isSubscriptionConfirmation() {
        return SUBSCRIPTION_CONFIRMATION.equals(type);
    }

    public boolean isUnsubscribeConfirmation() {
        return UNSUBSCRIBE_CONFIRMATION.equals(type);
    }

    private static String required(JsonNode root, String field) {
        String value = optional(root, field);
        if (value == null || value.isEmpty()) {
            throw new InvalidSnsMessageException("The SNS message has no " + field);
        }
        return value;
    }

    private static String optional(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidSnsMessageException("The SNS message's " + field + " is not a string");
        }
        return value.asText();
    }
}
