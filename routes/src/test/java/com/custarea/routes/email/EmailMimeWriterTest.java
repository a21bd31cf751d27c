package com.custarea.routes.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import com.custarea.routes.support.PermanentFailure;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

class EmailMimeWriterTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:02:00Z");
    private static final String OUR_ID = "<a1b2c3d4-0000-4000-8000-000000000001@mail.custarea.test>";
    private static final String THEIR_ID = "<CAH7pZ1x9vQe3fVb0nRk_2mLwYq8TtJ4cXo5sDgUe+3aPq6Lw@mail.gmail.com>";
    private static final String FIRST_ID = "<a1b2c3d4-0000-4000-8000-000000000000@mail.custarea.test>";

    private final EmailMimeWriter writer = new EmailMimeWriter(Clock.fixed(NOW, ZoneOffset.UTC));
    private final EmailMimeReader reader = new EmailMimeReader(26_214_400);

    @Test
    void whatTheWriterWritesTheReaderReadsBack() {
        byte[] pdf = allByteValues();
        OutgoingEmail email = new OutgoingEmail(new EmailAddress("support@acme.test", "Acme Kundendienst – Jürgen"),
                List.of(new EmailAddress("jane@customer.test", "Jane Doe")), "Ihre Rückerstattung über 49 €",
                "Hallo Jane,\n\ndie Gutschrift über 49 € ist unterwegs.\n\nViele Grüße\nJürgen",
                "<p>Hallo Jane,</p>\n<p>die Gutschrift über <b>49 €</b> ist unterwegs.</p>",
                List.of(new EmailFile("Gutschrift März.pdf", "application/pdf", pdf)), OUR_ID, THEIR_ID,
                List.of(FIRST_ID, THEIR_ID));

        ParsedEmail parsed = reader.parse(writer.toBytes(email));

        assertThat(parsed.messageId()).isEqualTo(OUR_ID);
        assertThat(parsed.inReplyTo()).isEqualTo(THEIR_ID);
        assertThat(parsed.references()).containsExactly(FIRST_ID, THEIR_ID);
        assertThat(parsed.from()).isEqualTo(new EmailAddress("support@acme.test", "Acme Kundendienst – Jürgen"));
        assertThat(parsed.to()).containsExactly(new EmailAddress("jane@customer.test", "Jane Doe"));
        assertThat(parsed.subject()).isEqualTo("Ihre Rückerstattung über 49 €");
        assertThat(parsed.text()).isEqualTo(email.text());
        assertThat(parsed.html()).isEqualTo(email.html());
        assertThat(parsed.sentAt()).isEqualTo(NOW);
        assertThat(parsed.autoReply()).isFalse();
        assertThat(parsed.bulk()).isFalse();
        assertThat(parsed.attachments()).singleElement().satisfies(file -> {
            assertThat(file.filename()).isEqualTo("Gutschrift März.pdf");
            assertThat(file.contentType()).isEqualTo("application/pdf");
            assertThat(file.content()).isEqualTo(pdf);
        });
    }

    @Test
    void theRawBytesCarryOurThreadingHeadersExactlyInSevenBitWithCrlf() {
        OutgoingEmail email = new OutgoingEmail(new EmailAddress("support@acme.test", "Acme Süpport"),
                List.of(EmailAddress.of("jane@customer.test")), "Re: Ihre Bestellung", "Gern geschehen!", null,
                List.of(), OUR_ID, THEIR_ID, List.of(FIRST_ID, THEIR_ID));

        byte[] raw = writer.toBytes(email);
        String mime = new String(raw, StandardCharsets.US_ASCII);

        assertThat(mime).contains("\r\nMessage-ID: " + OUR_ID + "\r\n", "\r\nIn-Reply-To: " + THEIR_ID + "\r\n",
                // folded between ids, as RFC 5322 asks of lines over 78 characters
                "\r\nReferences: " + FIRST_ID + "\r\n " + THEIR_ID + "\r\n", "\r\nMIME-Version: 1.0\r\n",
                "\r\nSubject: Re: Ihre Bestellung\r\n");
        assertThat(mime).contains("\r\nFrom: =?UTF-8?Q?Acme_S=C3=BCpport?= <support@acme.test>\r\n");
        assertThat(mime).containsPattern("(?m)^Date: \\w{3}, \\d{1,2} Nov 2026 \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}");
        for (int i = 0; i < raw.length; i++) {
            assertThat(raw[i]).as("byte %d is 7-bit", i).isBetween((byte) 0, (byte) 127);
            if (raw[i] == '\n') {
                assertThat(raw[i - 1]).as("line feed at %d follows a carriage return", i).isEqualTo((byte) '\r');
            }
        }
    }

    @Test
    void aNonAsciiSubjectIsEncodedAndALineBreakInItCannotAddAHeader() {
        OutgoingEmail email = new OutgoingEmail(EmailAddress.of("support@acme.test"),
                List.of(EmailAddress.of("jane@customer.test")), "Grüße\r\nBcc: mallory@evil.test", "Hi", null,
                List.of(), OUR_ID, null, List.of());

        String mime = new String(writer.toBytes(email), StandardCharsets.US_ASCII);

        assertThat(mime).containsPattern("(?m)^Subject: =\\?UTF-8\\?");
        assertThat(mime).doesNotContainPattern("(?mi)^Bcc:").doesNotContain("In-Reply-To", "References");
        assertThat(reader.parse(mime.getBytes(StandardCharsets.US_ASCII)).subject())
                .isEqualTo("Grüße Bcc: mallory@evil.test");
    }

    @Test
    void aMailWithoutHtmlIsASingleTextPlainPart() throws Exception {
        OutgoingEmail email = new OutgoingEmail(EmailAddress.of("support@acme.test"),
                List.of(EmailAddress.of("jane@customer.test")), "Your order", "It has shipped.\nTracking: 1Z999",
                null, List.of(), OUR_ID, null, List.of());

        MimeMessage message = writer.toMime(email);

        assertThat(message.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(message.getMessageID()).isEqualTo(OUR_ID);
        assertThat(new String(writer.toBytes(email), StandardCharsets.US_ASCII)).doesNotContain("multipart")
                .endsWith("\r\n\r\nIt has shipped.\r\nTracking: 1Z999");
    }

    @Test
    void attachmentsMakeAMixedMultipartAroundTheAlternative() throws Exception {
        OutgoingEmail email = new OutgoingEmail(EmailAddress.of("support@acme.test"),
                List.of(EmailAddress.of("jane@customer.test")), "Your invoice", "Attached.", "<p>Attached.</p>",
                List.of(new EmailFile("invoice.pdf", "application/pdf", new byte[] {'%', 'P', 'D', 'F'})), OUR_ID,
                null, List.of());

        MimeMessage message = writer.toMime(email);
        MimeMultipart mixed = (MimeMultipart) message.getContent();

        assertThat(message.getContentType()).startsWith("multipart/mixed");
        assertThat(mixed.getCount()).isEqualTo(2);
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("invoice.pdf");
        assertThat(mixed.getBodyPart(1).getDisposition()).isEqualTo("attachment");
    }

    @Test
    void anAddressThatCannotBeWrittenIsAPermanentFailure() {
        OutgoingEmail email = new OutgoingEmail(EmailAddress.of("support@acme.test"),
                List.of(EmailAddress.of("jane at customer")), "Hi", "Hi", null, List.of(), OUR_ID, null, List.of());

        assertThatThrownBy(() -> writer.toBytes(email)).isInstanceOf(PermanentFailure.class)
                .extracting(failure -> ((PermanentFailure) failure).code())
                .isEqualTo(EmailMimeWriter.INVALID_ADDRESS);
    }

    @Test
    void messageIdsAreOurUuidAtTheSendingDomain() {
        UUID id = UUID.fromString("a1b2c3d4-0000-4000-8000-000000000001");

        assertThat(EmailMimeWriter.messageIdFor(id, "mail.custarea.test")).isEqualTo(OUR_ID);
    }

    @Test
    void replySubjectsGetOneRePrefix() {
        assertThat(EmailMimeWriter.replySubject("Your order #1042")).isEqualTo("Re: Your order #1042");
        assertThat(EmailMimeWriter.replySubject("Re: Your order")).isEqualTo("Re: Your order");
        assertThat(EmailMimeWriter.replySubject("RE: Your order")).isEqualTo("RE: Your order");
        assertThat(EmailMimeWriter.replySubject("AW: Ihre Bestellung")).isEqualTo("AW: Ihre Bestellung");
        assertThat(EmailMimeWriter.replySubject("  re:Your order ")).isEqualTo("re:Your order");
        assertThat(EmailMimeWriter.replySubject("Reminder: pay by Friday")).isEqualTo("Re: Reminder: pay by Friday");
        assertThat(EmailMimeWriter.replySubject(" ")).isEqualTo("(no subject)");
        assertThat(EmailMimeWriter.replySubject(null)).isEqualTo("(no subject)");
    }

    private static byte[] allByteValues() {
        byte[] bytes = new byte[512];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
