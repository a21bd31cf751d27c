package com.custarea.routes.email;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;

import com.custarea.routes.support.PermanentFailure;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.ByteArrayDataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** Writes an {@link OutgoingEmail} as RFC 5322 MIME, keeping our Message-ID and the thread's headers exactly. */
@Component
public class EmailMimeWriter {

    public static final String MESSAGE_ID = "Message-ID";
    public static final String IN_REPLY_TO = "In-Reply-To";
    public static final String REFERENCES = "References";
    public static final String CONTENT_TRANSFER_ENCODING = "Content-Transfer-Encoding";
    public static final String NO_SUBJECT = "(no subject)";
    /** The error code of the {@link PermanentFailure} for an address that cannot be written. */
    public static final String INVALID_ADDRESS = "invalid-address";

    private static final String UTF_8 = "UTF-8";
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");
    private static final Pattern REPLY_PREFIX = Pattern.compile("(?i)(re|aw)(\\[\\d+])?\\s*:");

    private final Session session = Session.getInstance(new Properties());
    private final Clock clock;

    @Autowired
    public EmailMimeWriter() {
        this(Clock.systemUTC());
    }

    EmailMimeWriter(Clock clock) {
        this.clock = clock;
    }

    /** {@code <uuid@domain>}: the Message-ID of our message {@code messageId} sent from {@code domain}. */
    public static String messageIdFor(UUID messageId, String domain) {
        return "<" + messageId + "@" + domain.toLowerCase(Locale.ROOT) + ">";
    }

    /** The subject of a reply to {@code subject}: "Re: " in front unless it already starts with Re: or Aw:. */
    public static String replySubject(String subject) {
        if (subject == null || subject.isBlank()) {
            return NO_SUBJECT;
        }
        String trimmed = subject.strip();
        return REPLY_PREFIX.matcher(trimmed).lookingAt() ? trimmed : "Re: " + trimmed;
    }

    /**
     * The message, saved: headers final, our Message-ID kept. A PermanentFailure ({@value #INVALID_ADDRESS}) when an
     * address cannot be written or there is no recipient, since sending the same message again cannot succeed.
     */
    public MimeMessage toMime(OutgoingEmail email) {
        try {
            MimeMessage message = new OwnIdMimeMessage(session, email.messageId());
            message.setFrom(address(email.from()));
            if (email.to().isEmpty()) {
                throw new AddressException("no recipient");
            }
            List<InternetAddress> to = new ArrayList<>();
            for (EmailAddress recipient : email.to()) {
                to.add(address(recipient));
            }
            message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            message.setSubject(email.subject() == null || email.subject().isBlank() ? NO_SUBJECT
                    : oneLine(email.subject()), UTF_8);
            message.setSentDate(Date.from(clock.instant()));
            if (email.inReplyTo() != null) {
                message.setHeader(IN_REPLY_TO, oneLine(email.inReplyTo()));
            }
            if (!email.references().isEmpty()) {
                // RFC 5322 lines should stay under 78 characters and must stay under 998; a long thread is longer
                message.setHeader(REFERENCES, MimeUtility.fold(REFERENCES.length() + 2,
                        oneLine(String.join(" ", email.references()))));
            }
            if (email.attachments().isEmpty()) {
                setBody(message, email);
            } else {
                MimeMultipart mixed = new MimeMultipart("mixed");
                MimeBodyPart body = new MimeBodyPart();
                setBody(body, email);
                mixed.addBodyPart(body);
                for (EmailFile file : email.attachments()) {
                    mixed.addBodyPart(attachment(file));
                }
                message.setContent(mixed);
            }
            message.saveChanges();
            return message;
        } catch (AddressException | UnsupportedEncodingException e) {
            throw new PermanentFailure(INVALID_ADDRESS, "Cannot write the address: " + e.getMessage());
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot write the e-mail " + email.messageId() + " as MIME", e);
        }
    }

    /** The raw message, with CRLF line endings, as SES, the Gmail API and Graph's MIME upload take it. */
    public byte[] toBytes(OutgoingEmail email) {
        MimeMessage message = toMime(email);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            message.writeTo(out);
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException("Cannot write the e-mail " + email.messageId() + " as MIME", e);
        }
        return out.toByteArray();
    }

    private static InternetAddress address(EmailAddress address) throws AddressException,
            UnsupportedEncodingException {
        if (address == null || address.address() == null || address.address().isBlank()) {
            throw new AddressException("missing address");
        }
        String name = address.name() == null || address.name().isBlank() ? null : oneLine(address.name());
        InternetAddress internet = new InternetAddress(address.address(), name, UTF_8);
        internet.validate();
        return internet;
    }

    /** text/plain alone, or multipart/alternative of text/plain and text/html. */
    private static void setBody(MimePart part, OutgoingEmail email) throws MessagingException {
        String text = crlf(email.text() == null ? "" : email.text());
        if (email.html() == null) {
            part.setText(text, UTF_8, "plain");
            return;
        }
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, UTF_8, "plain");
        alternative.addBodyPart(plain);
        MimeBodyPart html = new MimeBodyPart();
        html.setText(crlf(email.html()), UTF_8, "html");
        alternative.addBodyPart(html);
        part.setContent(alternative);
    }

    private static MimeBodyPart attachment(EmailFile file) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        byte[] content = file.content() == null ? new byte[0] : file.content();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, contentType(file.contentType()))));
        part.setDisposition(Part.ATTACHMENT);
        if (file.filename() != null && !file.filename().isBlank()) {
            try {
                // RFC 2047 rather than RFC 2231: the form Gmail and Outlook write, and every client reads
                part.setFileName(MimeUtility.encodeText(oneLine(file.filename()), UTF_8, "B"));
            } catch (UnsupportedEncodingException e) {
                throw new IllegalStateException("UTF-8 is always supported", e);
            }
        }
        // base64 whatever the type, so the bytes arrive exactly as sent (a text file keeps its line endings)
        part.setHeader(CONTENT_TRANSFER_ENCODING, "base64");
        return part;
    }

    /** The content type as given when it parses, application/octet-stream otherwise. */
    private static String contentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return OCTET_STREAM;
        }
        try {
            return new ContentType(contentType).toString();
        } catch (ParseException e) {
            return OCTET_STREAM;
        }
    }

    /** The value with its line breaks as spaces: a header value must not be able to start another header. */
    private static String oneLine(String value) {
        return LINE_BREAKS.matcher(value).replaceAll(" ").strip();
    }

    /** Text in MIME's canonical form: every line ends with CRLF, so the raw bytes have no bare line feeds. */
    private static String crlf(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    }

    /** A MimeMessage that keeps the Message-ID it is given instead of generating one when saved. */
    private static final class OwnIdMimeMessage extends MimeMessage {

        private final String messageId;

        OwnIdMimeMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (messageId == null) {
                super.updateMessageID();
            } else {
                setHeader(MESSAGE_ID, oneLine(messageId));
            }
        }
    }
}
