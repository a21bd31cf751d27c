package com.custarea.routes.email;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.aws2.ses.Ses2Constants;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ses.model.SesException;

/**
 * Sends through Amazon SES with camel-aws2-ses as raw MIME (so attachments and our threading headers go as written),
 * from the account's verified identity, in the configured configuration set. SES does not retry a throttled send
 * and gives no Retry-After: a throttled mail waits at least {@code custarea.email.ses.throttle-backoff}.
 */
@Component
public class SesTransport implements EmailTransport {

    /** The aws2-ses endpoint, with the SES client {@link SesClients} builds (region, credentials, endpoint). */
    static final String ENDPOINT = "aws2-ses:custarea?amazonSESClient=#" + SesClients.BEAN;
    private static final Session SESSION = Session.getInstance(new Properties());
    /** SES error codes that no retry will change. */
    private static final List<String> PERMANENT = List.of("MessageRejected", "MailFromDomainNotVerified",
            "MailFromDomainNotVerifiedException", "AccountSendingPausedException", "ConfigurationSetDoesNotExist",
            "ConfigurationSetDoesNotExistException", "ConfigurationSetSendingPausedException", "InvalidParameterValue");

    private final ProducerTemplate producer;
    private final String configurationSet;
    private final Duration throttleBackoff;

    public SesTransport(ProducerTemplate producer,
                        @Value("${custarea.email.ses.configuration-set:}") String configurationSet,
                        @Value("${custarea.email.ses.throttle-backoff:60s}") Duration throttleBackoff) {
        this.producer = producer;
        this.configurationSet = configurationSet;
        this.throttleBackoff = throttleBackoff;
    }

    @Override
    public EmailProvider provider() {
        return EmailProvider.SES;
    }

    @Override
    public Sent send(EmailAccount account, OutgoingEmail email, byte[] raw, String providerThreadId) {
        MimeMessage mime = parsed(raw);
        Map<String, Object> headers = new HashMap<>();
        headers.put(Ses2Constants.FROM, account.address());
        headers.put(Ses2Constants.TO, email.to().stream().map(EmailAddress::address).toList());
        if (!configurationSet.isBlank()) {
            headers.put(Ses2Constants.CONFIGURATION_SET, configurationSet);
        }
        try {
            var exchange = producer.send(ENDPOINT, ex -> {
                ex.getIn().setBody(mime);
                ex.getIn().setHeaders(headers);
            });
            if (exchange.getException() != null) {
                throw failure(exchange.getException());
            }
            return new Sent(exchange.getMessage().getHeader(Ses2Constants.MESSAGE_ID, String.class), null);
        } catch (CamelExecutionException e) {
            throw failure(e.getCause() == null ? e : e.getCause());
        }
    }

    /** The mail as written (camel-aws2-ses sends a jakarta.mail Message as raw MIME, byte for byte as parsed). */
    private static MimeMessage parsed(byte[] raw) {
        try {
            return new MimeMessage(SESSION, new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            throw new IllegalStateException("The mail we wrote could not be read back", e);
        }
    }

    private RuntimeException failure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SesException ses) {
                String code = ses.awsErrorDetails() == null ? null : ses.awsErrorDetails().errorCode();
                String message = "SES refused the mail: " + (ses.awsErrorDetails() == null ? ses.getMessage()
                        : ses.awsErrorDetails().errorMessage());
                if ("Throttling".equals(code) || ses.statusCode() == 429 || ses.statusCode() >= 500) {
                    return new EmailProviderUnavailableException(message, Optional.of(throttleBackoff), ses);
                }
                if (code != null && PERMANENT.contains(code) || ses.statusCode() >= 400) {
                    return new EmailProviderRefusedException(ses.statusCode(), code == null ? "ses-refused" : code,
                            message);
                }
            }
            if (t instanceof SdkClientException) {
                return new EmailProviderUnavailableException("SES could not be reached: " + t.getMessage(),
                        Optional.empty(), t);
            }
        }
        return new EmailProviderUnavailableException("Sending through SES failed: " + cause, Optional.empty(), cause);
    }
}
