package com.custarea.routes.email;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import org.springframework.stereotype.Component;

/**
 * Recognises a delivery status notification (RFC 3464: multipart/report; report-type=delivery-status, what Gmail's
 * and Outlook's mailer daemons send back for mail that did not arrive) and reads which mail it is about and why.
 */
@Component
public class DeliveryStatusNotifications {

    private static final Session SESSION = Session.getInstance(new Properties());

    /**
     * A bounce of one of our mails.
     *
     * @param originalMessageId the Message-ID of the mail that bounced, with angle brackets
     * @param action            the DSN's Action (failed, delayed, …)
     * @param diagnostic        the DSN's Diagnostic-Code or Status, for people
     */
    public record Bounce(String originalMessageId, String action, String diagnostic) {

        public boolean failed() {
            return "failed".equalsIgnoreCase(action);
        }
    }

    /** Whether {@code raw} is a delivery status notification. */
    public boolean isReport(byte[] raw) {
        try {
            MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            return isReport(message);
        } catch (MessagingException e) {
            return false;
        }
    }

    /** The bounce {@code raw} reports, when it is a delivery status notification naming the original mail. */
    public Optional<Bounce> read(byte[] raw) {
        try {
            MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            if (!isReport(message) || !(message.getContent() instanceof Multipart report)) {
                return Optional.empty();
            }
            String action = null;
            String diagnostic = null;
            String original = null;
            for (int i = 0; i < report.getCount(); i++) {
                BodyPart part = report.getBodyPart(i);
                String type = part.getContentType() == null ? "" : part.getContentType().toLowerCase();
                if (type.startsWith("message/delivery-status")) {
                    InternetHeaders fields = fieldsOf(part);
                    action = fields.getHeader("Action", ",");
                    diagnostic = Optional.ofNullable(fields.getHeader("Diagnostic-Code", " "))
                            .orElse(fields.getHeader("Status", ","));
                } else if (type.startsWith("message/rfc822") || type.startsWith("text/rfc822-headers")) {
                    original = headersOf(part).getHeader("Message-ID", ",");
                }
            }
            if (original == null) {
                original = message.getHeader("In-Reply-To", ",");
            }
            return original == null ? Optional.empty()
                    : Optional.of(new Bounce(original.trim(), action == null ? "failed" : action.trim(),
                    diagnostic == null ? "The receiving server reported the mail undeliverable" : diagnostic.trim()));
        } catch (MessagingException | IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isReport(MimeMessage message) throws MessagingException {
        String type = message.getContentType() == null ? "" : message.getContentType().toLowerCase();
        return type.startsWith("multipart/report") && type.contains("delivery-status");
    }

    /** The per-message and per-recipient fields of a delivery-status part, as one header block. */
    private static InternetHeaders fieldsOf(BodyPart part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replaceAll("\\r?\\n\\s*\\r?\\n", "\r\n");
            return new InternetHeaders(new ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    private static InternetHeaders headersOf(BodyPart part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return new InternetHeaders(in);
        }
    }
}
