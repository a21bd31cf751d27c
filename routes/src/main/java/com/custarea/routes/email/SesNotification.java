package com.custarea.routes.email;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What Amazon SES published to SNS, read from an SNS notification's {@code Message}: a received mail, or news of a
 * mail we sent (bounce, complaint, delivery, send, reject, delivery delay), in either SES notification form
 * ({@code notificationType}) or configuration-set event form ({@code eventType}); anything else is {@link Unknown}.
 */
public sealed interface SesNotification {

    String RECEIVED = "Received";
    String BOUNCE = "Bounce";
    String COMPLAINT = "Complaint";
    String DELIVERY = "Delivery";
    String SEND = "Send";
    String REJECT = "Reject";
    String DELIVERY_DELAY = "DeliveryDelay";

    /** The type as SES named it ({@code notificationType} or {@code eventType}). */
    String type();

    /** The mail the notification is about; null only for an {@link Unknown} one that names none. */
    Mail mail();

    /** Reads an SES notification; refuses text that is not a JSON object, or a known type without its mail. */
    static SesNotification parse(String message) {
        JsonNode root;
        try {
            root = message == null ? null : PayloadJson.mapper().readTree(message);
        } catch (IOException e) {
            throw new InvalidSnsMessageException("The SNS Message is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSnsMessageException("The SNS Message is not a JSON object");
        }
        String type = text(root, "notificationType");
        if (type == null) {
            type = text(root, "eventType");
        }
        if (type == null) {
            return new Unknown(null, readOptionalMail(root));
        }
        return switch (type) {
            case RECEIVED -> Received.of(root);
            case BOUNCE -> Bounce.of(root);
            case COMPLAINT -> Complaint.of(root);
            case DELIVERY -> Delivery.of(root);
            case SEND -> new Send(readMail(root, type));
            case REJECT -> new Reject(readMail(root, type), text(root.path("reject"), "reason"));
            case DELIVERY_DELAY -> DeliveryDelay.of(root);
            default -> new Unknown(type, readOptionalMail(root));
        };
    }

    /**
     * The {@code mail} object common to every notification.
     *
     * @param sesMessageId    the id SES gave the mail (the S3 action names the stored object after it)
     * @param timestamp       when SES received the mail (or, for a mail we sent, accepted it)
     * @param source          the envelope MAIL FROM
     * @param destination     every recipient address, from the envelope (sent) or the To and Cc headers (received)
     * @param headerMessageId the mail's Message-ID header with angle brackets, from {@code headers} or else
     *                        {@code commonHeaders}; null when absent or when it is only SES's own id (SES puts its
     *                        id there for a mail that had none)
     * @param subject         the Subject header from {@code commonHeaders}, or null
     */
    record Mail(String sesMessageId, Instant timestamp, String source, List<String> destination,
                String headerMessageId, String subject) {

        public Mail {
            destination = destination == null ? List.of() : List.copyOf(destination);
        }
    }

    /**
     * The verdicts of SES's checks on a received mail, each {@code PASS}, {@code FAIL}, {@code GRAY} or
     * {@code PROCESSING_FAILED} (DMARC also {@code NONE}), or null when SES did not report it.
     */
    record Verdicts(String spam, String virus, String spf, String dkim, String dmarc) {

        public static final String FAIL = "FAIL";

        public boolean virusFound() {
            return FAIL.equals(virus);
        }

        public boolean spamFound() {
            return FAIL.equals(spam);
        }
    }

    /**
     * The receipt rule action that published the notification.
     *
     * @param type            {@code SNS} (the mail is in the notification's {@code content}), {@code S3} (the mail
     *                        is in a bucket) or another action ({@code Lambda}, {@code Bounce}, {@code Stop},
     *                        {@code WorkMail})
     * @param encoding        for SNS: {@code UTF8} or {@code BASE64}, how {@code content} is written
     * @param objectKey       for S3: the object's full key (prefix included)
     * @param objectKeyPrefix for S3: the rule's key prefix, or null
     */
    record ReceiptAction(String type, String topicArn, String encoding, String bucketName, String objectKey,
                         String objectKeyPrefix) {

        public static final String SNS = "SNS";
        public static final String S3 = "S3";

        public boolean isSns() {
            return SNS.equals(type);
        }

        public boolean isS3() {
            return S3.equals(type);
        }
    }

    /**
     * A mail SES received for one of our receipt rules.
     *
     * @param receivedAt the time the action ran ({@code receipt.timestamp})
     * @param recipients the envelope recipients the receipt rule matched (may differ from {@code mail.destination})
     * @param content    the raw mail as written in the notification (SNS action only), else null
     */
    record Received(Mail mail, Instant receivedAt, List<String> recipients, ReceiptAction action, Verdicts verdicts,
                    String content) implements SesNotification {

        public Received {
            recipients = recipients == null ? List.of() : List.copyOf(recipients);
        }

        @Override
        public String type() {
            return RECEIVED;
        }

        /** The raw MIME of a mail delivered in the notification, decoded as its action's encoding says. */
        public Optional<byte[]> inlineContent() {
            if (content == null) {
                return Optional.empty();
            }
            String encoding = action.encoding() == null ? "UTF8"
                    : action.encoding().replace("-", "").toUpperCase(Locale.ROOT);
            return switch (encoding) {
                case "UTF8" -> Optional.of(content.getBytes(StandardCharsets.UTF_8));
                case "BASE64" -> {
                    try {
                        yield Optional.of(Base64.getMimeDecoder().decode(content));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidSnsMessageException("The received mail's content is not Base64", e);
                    }
                }
                default -> throw new InvalidSnsMessageException("Unknown content encoding " + action.encoding());
            };
        }

        static Received of(JsonNode root) {
            JsonNode receipt = root.path("receipt");
            JsonNode action = receipt.path("action");
            return new Received(readMail(root, RECEIVED), instant(receipt, "timestamp"),
                    strings(receipt.path("recipients")),
                    new ReceiptAction(text(action, "type"), text(action, "topicArn"),
                            text(action, "encoding"), text(action, "bucketName"),
                            text(action, "objectKey"), text(action, "objectKeyPrefix")),
                    new Verdicts(status(receipt, "spamVerdict"), status(receipt, "virusVerdict"),
                            status(receipt, "spfVerdict"), status(receipt, "dkimVerdict"),
                            status(receipt, "dmarcVerdict")),
                    text(root, "content"));
        }
    }

    /**
     * A recipient's outcome in a bounce or a delivery delay.
     *
     * @param action         the DSN action ({@code failed}…), or null
     * @param status         the enhanced status code ({@code 5.1.1}…), or null
     * @param diagnosticCode the receiving server's words, or null
     */
    record RecipientStatus(String emailAddress, String action, String status, String diagnosticCode) {
    }

    /**
     * A mail we sent bounced.
     *
     * @param bounceType {@code Permanent} (do not send again), {@code Transient} or {@code Undetermined}
     */
    record Bounce(Mail mail, String bounceType, String bounceSubType, List<RecipientStatus> bouncedRecipients,
                  Instant timestamp, String feedbackId) implements SesNotification {

        public static final String PERMANENT = "Permanent";
        public static final String TRANSIENT = "Transient";
        public static final String UNDETERMINED = "Undetermined";

        public Bounce {
            bouncedRecipients = bouncedRecipients == null ? List.of() : List.copyOf(bouncedRecipients);
        }

        @Override
        public String type() {
            return BOUNCE;
        }

        public boolean permanent() {
            return PERMANENT.equals(bounceType);
        }

        static Bounce of(JsonNode root) {
            JsonNode bounce = root.path("bounce");
            return new Bounce(readMail(root, BOUNCE), text(bounce, "bounceType"),
                    text(bounce, "bounceSubType"), recipientStatuses(bounce.path("bouncedRecipients")),
                    instant(bounce, "timestamp"), text(bounce, "feedbackId"));
        }
    }

    /**
     * A recipient of a mail we sent marked it as spam.
     *
     * @param complaintFeedbackType the feedback report's type ({@code abuse}…), or null when the receiver sent none
     */
    record Complaint(Mail mail, List<String> complainedRecipients, String complaintFeedbackType, Instant timestamp,
                     String feedbackId) implements SesNotification {

        public Complaint {
            complainedRecipients = complainedRecipients == null ? List.of() : List.copyOf(complainedRecipients);
        }

        @Override
        public String type() {
            return COMPLAINT;
        }

        static Complaint of(JsonNode root) {
            JsonNode complaint = root.path("complaint");
            List<String> recipients = new ArrayList<>();
            for (JsonNode recipient : complaint.path("complainedRecipients")) {
                String address = text(recipient, "emailAddress");
                if (address != null) {
                    recipients.add(address);
                }
            }
            return new Complaint(readMail(root, COMPLAINT), recipients, text(complaint, "complaintFeedbackType"),
                    instant(complaint, "timestamp"), text(complaint, "feedbackId"));
        }
    }

    /** The receiving server accepted a mail we sent. */
    record Delivery(Mail mail, List<String> recipients, Instant timestamp, String smtpResponse)
            implements SesNotification {

        public Delivery {
            recipients = recipients == null ? List.of() : List.copyOf(recipients);
        }

        @Override
        public String type() {
            return DELIVERY;
        }

        static Delivery of(JsonNode root) {
            JsonNode delivery = root.path("delivery");
            return new Delivery(readMail(root, DELIVERY), strings(delivery.path("recipients")),
                    instant(delivery, "timestamp"), text(delivery, "smtpResponse"));
        }
    }

    /** SES accepted a mail we sent and will try to deliver it (configuration-set events only). */
    record Send(Mail mail) implements SesNotification {

        @Override
        public String type() {
            return SEND;
        }
    }

    /** SES refused to send a mail of ours, for example for a virus (configuration-set events only). */
    record Reject(Mail mail, String reason) implements SesNotification {

        @Override
        public String type() {
            return REJECT;
        }
    }

    /**
     * SES could not deliver a mail of ours yet and keeps trying until {@code expirationTime} (configuration-set
     * events only).
     */
    record DeliveryDelay(Mail mail, String delayType, List<RecipientStatus> delayedRecipients, Instant expirationTime)
            implements SesNotification {

        public DeliveryDelay {
            delayedRecipients = delayedRecipients == null ? List.of() : List.copyOf(delayedRecipients);
        }

        @Override
        public String type() {
            return DELIVERY_DELAY;
        }

        static DeliveryDelay of(JsonNode root) {
            JsonNode delay = root.path("deliveryDelay");
            return new DeliveryDelay(readMail(root, DELIVERY_DELAY), text(delay, "delayType"),
                    recipientStatuses(delay.path("delayedRecipients")), instant(delay, "expirationTime"));
        }
    }

    /**
     * A notification of a type we do not act on (Open, Click, Rendering Failure, Subscription…): logged and
     * acknowledged.
     *
     * @param type the type SES named, or null when the message names none
     * @param mail the mail it is about, or null
     */
    record Unknown(String type, Mail mail) implements SesNotification {
    }

    private static Mail readMail(JsonNode root, String type) {
        Mail mail = readOptionalMail(root);
        if (mail == null) {
            throw new InvalidSnsMessageException("The SES " + type + " notification has no mail.messageId");
        }
        return mail;
    }

    private static Mail readOptionalMail(JsonNode root) {
        JsonNode mail = root.path("mail");
        String sesMessageId = text(mail, "messageId");
        if (sesMessageId == null || sesMessageId.isBlank()) {
            return null;
        }
        JsonNode common = mail.path("commonHeaders");
        return new Mail(sesMessageId, instant(mail, "timestamp"), text(mail, "source"),
                strings(mail.path("destination")), headerMessageId(mail, sesMessageId), text(common, "subject"));
    }

    private static String headerMessageId(JsonNode mail, String sesMessageId) {
        String value = null;
        for (JsonNode header : mail.path("headers")) {
            if ("Message-ID".equalsIgnoreCase(text(header, "name"))) {
                value = text(header, "value");
                break;
            }
        }
        if (value == null) {
            value = text(mail.path("commonHeaders"), "messageId");
        }
        if (value == null) {
            return null;
        }
        String bare = value.trim();
        if (bare.startsWith("<") && bare.endsWith(">")) {
            bare = bare.substring(1, bare.length() - 1).trim();
        }
        return bare.isEmpty() || bare.equals(sesMessageId) ? null : "<" + bare + ">";
    }

    private static List<RecipientStatus> recipientStatuses(JsonNode array) {
        List<RecipientStatus> statuses = new ArrayList<>();
        for (JsonNode recipient : array) {
            statuses.add(new RecipientStatus(text(recipient, "emailAddress"), text(recipient, "action"),
                    text(recipient, "status"), text(recipient, "diagnosticCode")));
        }
        return statuses;
    }

    private static String status(JsonNode receipt, String verdict) {
        return text(receipt.path(verdict), "status");
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (value.isValueNode() && !value.isNull()) {
                values.add(value.asText());
            }
        }
        return values;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidSnsMessageException("The SES notification's " + field + " " + value
                    + " is not an ISO-8601 instant", e);
        }
    }
}
