package com.custarea.routes.email;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.custarea.routes.support.HmacSignatures;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the change and lifecycle notifications Microsoft Graph POSTs for a mail subscription, and checks their
 * {@code clientState} against ours in constant time.
 */
public final class GraphNotifications {

    /** The subscription's access token is about to expire: reauthorize or renew it. */
    public static final String REAUTHORIZATION_REQUIRED = "reauthorizationRequired";
    /** Graph removed the subscription: create a new one and catch up with a delta query. */
    public static final String SUBSCRIPTION_REMOVED = "subscriptionRemoved";
    /** Graph dropped some notifications: catch up with a delta query. */
    public static final String MISSED = "missed";

    private GraphNotifications() {
    }

    /**
     * One notification of a Graph POST.
     *
     * @param resourceId             the message's id ({@code resourceData.id}), null in a lifecycle notification
     * @param lifecycleEvent         {@link #REAUTHORIZATION_REQUIRED}, {@link #SUBSCRIPTION_REMOVED} or
     *                               {@link #MISSED}; null in a change notification
     * @param subscriptionExpiration when the subscription lapses, or null when Graph did not say
     */
    public record GraphNotification(String subscriptionId, String clientState, String changeType, String resource,
                                    String resourceId, String lifecycleEvent, Instant subscriptionExpiration,
                                    String tenantId) {

        /** Whether this is a lifecycle notification rather than a change to a message. */
        public boolean lifecycle() {
            return lifecycleEvent != null;
        }
    }

    /**
     * The notifications in a POST body {@code {"value":[…]}}; {@link InvalidGraphNotificationException} when the
     * body is not what Graph sends.
     */
    public static List<GraphNotification> parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidGraphNotificationException("The notification has no body");
        }
        JsonNode root;
        try {
            root = PayloadJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new InvalidGraphNotificationException("The notification body is not JSON", e);
        }
        if (root == null || !root.path("value").isArray()) {
            throw new InvalidGraphNotificationException("The notification body has no \"value\" array");
        }
        List<GraphNotification> notifications = new ArrayList<>();
        for (JsonNode item : root.get("value")) {
            notifications.add(notification(item));
        }
        return List.copyOf(notifications);
    }

    /** Whether a notification's {@code actual} clientState is our {@code expected} secret (never for a blank one). */
    public static boolean clientStateMatches(String expected, String actual) {
        if (expected == null || expected.isEmpty()) {
            return false;
        }
        return HmacSignatures.constantTimeEquals(expected, actual);
    }

    private static GraphNotification notification(JsonNode item) {
        if (!item.isObject()) {
            throw new InvalidGraphNotificationException("A notification is not a JSON object");
        }
        String subscriptionId = text(item, "subscriptionId");
        if (subscriptionId == null || subscriptionId.isBlank()) {
            throw new InvalidGraphNotificationException("A notification has no subscriptionId");
        }
        String changeType = text(item, "changeType");
        String lifecycleEvent = text(item, "lifecycleEvent");
        if (changeType == null && lifecycleEvent == null) {
            throw new InvalidGraphNotificationException("A notification has neither a changeType nor a lifecycleEvent");
        }
        String resourceId = text(item.path("resourceData"), "id");
        if (lifecycleEvent == null && resourceId == null) {
            throw new InvalidGraphNotificationException("A change notification has no resourceData.id");
        }
        return new GraphNotification(subscriptionId, text(item, "clientState"), changeType, text(item, "resource"),
                resourceId, lifecycleEvent, instant(text(item, "subscriptionExpirationDateTime")),
                text(item, "tenantId"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidGraphNotificationException("A notification's " + field + " is not a string");
        }
        return value.asText();
    }

    /** Graph writes an offset and up to 7 fractional digits, for example {@code 2019-09-18T00:55:14.0000000-07:00}. */
    private static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidGraphNotificationException("A notification's subscriptionExpirationDateTime is not a date",
                    e);
        }
    }
}
