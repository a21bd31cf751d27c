package com.custarea.routes.email;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.custarea.routes.support.HttpResponses;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.support.HttpBodies;
import com.custarea.schemas.MessageStatus;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * POST /api/webhooks/ses: SNS deliveries of SES's receipt rule and of its sending notifications. Nothing is read or
 * written before the topic is one we subscribed and the signature checks out; then a subscription is confirmed,
 * received mail (in the notification, or in S3 when the receipt rule stored it there) goes to the mailbox of each
 * recipient's account, and bounces, complaints and deliveries update the status of the mail they are about. The
 * answer comes once Kafka has the records: SNS redelivers anything else.
 */
@Component
public class SesWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(SesWebhooks.class);

    private final SnsTopicPolicy topics;
    private final SnsSignatureVerifier verifier;
    private final SnsUrlPolicy urls;
    private final SesInboundStore store;
    private final EmailMimeReader reader;
    private final EmailAccounts accounts;
    private final InboundEmails inbound;
    private final EmailDeliveryReports reports;
    private final MeterRegistry meters;
    private final int maxBodyBytes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public SesWebhooks(SnsTopicPolicy topics, SnsSignatureVerifier verifier, SnsUrlPolicy urls, SesInboundStore store,
                       EmailMimeReader reader, EmailAccounts accounts, InboundEmails inbound,
                       EmailDeliveryReports reports, MeterRegistry meters,
                       @Value("${custarea.email.max-notification-bytes:1048576}") int maxBodyBytes) {
        this.topics = topics;
        this.verifier = verifier;
        this.urls = urls;
        this.store = store;
        this.reader = reader;
        this.accounts = accounts;
        this.inbound = inbound;
        this.reports = reports;
        this.meters = meters;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void receive(Exchange exchange) {
        byte[] body = HttpBodies.read(exchange.getMessage(), maxBodyBytes);
        SnsMessage message;
        try {
            message = SnsMessage.parse(body);
        } catch (InvalidSnsMessageException e) {
            throw ProblemException.badRequest(e.getMessage(), List.of());
        }
        if (!topics.accepts(message.topicArn())) {
            LOG.warn("SNS message from topic {}, which is not in custarea.email.ses.topic-arns", message.topicArn());
            throw rejected("unknown-topic", "The topic " + message.topicArn() + " is not one CustArea subscribed");
        }
        try {
            verifier.verify(message);
        } catch (InvalidSnsMessageException e) {
            throw rejected("invalid-signature", e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            // SNS redelivers on a 5xx: the certificate may be reachable then
            throw new ProblemException(503, "certificate-unavailable", "Service Unavailable",
                    "The SNS signing certificate could not be fetched: " + e.getMessage(),
                    List.of(), Duration.ofSeconds(30));
        }
        if (message.isSubscriptionConfirmation()) {
            confirm(message);
        } else if (message.isNotification()) {
            try {
                handle(SesNotification.parse(message.message()));
            } catch (InvalidSnsMessageException e) {
                throw ProblemException.badRequest(e.getMessage(), List.of());
            }
        } else {
            LOG.info("SNS unsubscribed CustArea from {}", message.topicArn());
        }
        HttpResponses.text(exchange, 200, "text/plain", "");
    }

    private void confirm(SnsMessage message) {
        if (!urls.allows(message.subscribeUrl())) {
            throw rejected("invalid-subscribe-url", "The SubscribeURL is not an SNS address");
        }
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(message.subscribeUrl()))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new ProblemException(502, "confirmation-failed", "Bad Gateway", "SNS answered "
                        + response.statusCode() + " to the subscription confirmation", List.of(), null);
            }
            LOG.info("Subscribed to SNS topic {}", message.topicArn());
        } catch (IOException e) {
            throw new ProblemException(502, "confirmation-failed", "Bad Gateway",
                    "SNS could not be reached to confirm the subscription: " + e.getMessage(), List.of(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(503, "interrupted", "Service Unavailable", "Interrupted", List.of(), null);
        }
    }

    private void handle(SesNotification notification) {
        if (notification instanceof SesNotification.Received received) {
            receive(received);
        } else if (notification instanceof SesNotification.Bounce bounce) {
            String type = Optional.ofNullable(bounce.bounceType()).orElse("Undetermined");
            report(bounce.mail(), "bounce", MessageStatus.FAILED, "bounce-" + type.toLowerCase(java.util.Locale.ROOT),
                    bounce.bouncedRecipients().stream().map(recipient -> recipient.emailAddress() + ": "
                            + Optional.ofNullable(recipient.diagnosticCode()).orElse(type + " bounce"))
                            .collect(Collectors.joining("; ")));
        } else if (notification instanceof SesNotification.Complaint complaint) {
            report(complaint.mail(), "complaint", MessageStatus.DELIVERED, "complaint",
                    "The recipient marked the mail as spam" + Optional.ofNullable(complaint.complaintFeedbackType())
                            .map(type -> " (" + type + ")").orElse(""));
        } else if (notification instanceof SesNotification.Delivery delivery) {
            report(delivery.mail(), "delivery", MessageStatus.DELIVERED, null, null);
        } else if (notification instanceof SesNotification.Reject reject) {
            report(reject.mail(), "reject", MessageStatus.FAILED, "rejected", "SES rejected the mail: "
                    + reject.reason());
        } else {
            LOG.debug("SES notification {} acknowledged", notification.type());
        }
    }

    private void report(SesNotification.Mail mail, String kind, MessageStatus status, String code, String reason) {
        reports.bySesId(mail.sesMessageId()).ifPresentOrElse(
                sent -> reports.report(sent, kind, status, code, reason),
                () -> LOG.info("SES {} notification for mail {}, which CustArea did not send", kind,
                        mail.sesMessageId()));
    }

    private void receive(SesNotification.Received received) {
        if (received.verdicts() != null && received.verdicts().virusFound()) {
            LOG.warn("SES found a virus in mail {}: dropped", received.mail().sesMessageId());
            return;
        }
        Set<EmailAccount> mailboxes = new LinkedHashSet<>();
        for (String recipient : received.recipients()) {
            accounts.findByAddress(EmailProvider.SES, recipient).ifPresent(mailboxes::add);
        }
        if (mailboxes.isEmpty()) {
            LOG.info("SES mail {} for {}, which no account has", received.mail().sesMessageId(),
                    received.recipients());
            return;
        }
        if (received.inlineContent().isEmpty() && !received.action().isS3()) {
            throw ProblemException.badRequest("The notification carries no mail and names no S3 object", List.of());
        }
        byte[] raw;
        try {
            raw = received.inlineContent().orElseGet(() -> store.read(received.action().bucketName(),
                    received.action().objectKey()));
        } catch (SesInboundStore.MailObjectMissingException | SesInboundStore.MailObjectTooLargeException e) {
            // acknowledged: SNS redelivering this notification cannot make the object appear or shrink
            LOG.warn("SES mail {} is not readable from S3, left there: {}", received.mail().sesMessageId(),
                    e.getMessage());
            return;
        }
        boolean deliveryNotification = false;
        for (EmailAccount account : mailboxes) {
            deliveryNotification |= reports.reportIfDeliveryNotification(account, raw);
        }
        if (deliveryNotification) {
            return;
        }
        ParsedEmail mail;
        try {
            mail = reader.parse(raw);
        } catch (MalformedEmailException e) {
            LOG.warn("SES mail {} could not be read and is left where SES keeps it: {}",
                    received.mail().sesMessageId(), e.getMessage());
            return;
        }
        for (EmailAccount account : mailboxes) {
            inbound.publish(account, List.of(new InboundEmails.Arrived(mail, received.mail().sesMessageId(), null,
                    received.receivedAt())), "ses-" + received.mail().sesMessageId());
        }
    }

    private ProblemException rejected(String reason, String detail) {
        meters.counter("custarea.webhooks.rejected", "provider", "ses", "reason", reason).increment();
        return ProblemException.forbidden(reason, detail);
    }
}
