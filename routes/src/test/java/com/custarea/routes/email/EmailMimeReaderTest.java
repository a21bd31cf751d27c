package com.custarea.routes.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class EmailMimeReaderTest {

    private static final String OUR_ID = "<a1b2c3d4-0000-4000-8000-000000000001@mail.custarea.test>";
    private static final EmailAddress JANE = new EmailAddress("jane@customer.test", "Jane Doe");
    private static final EmailAddress SUPPORT = new EmailAddress("support@acme.test", "CustArea Support");
    private static final List<String> FIXTURES = List.of("gmail-reply.eml", "outlook-reply.eml",
            "apple-mail-reply.eml", "forward.eml", "auto-reply.eml", "newsletter-reply.eml", "first-contact.eml",
            "html-only.eml");

    private final EmailMimeReader reader = new EmailMimeReader(26_214_400);

    @Test
    void gmailReply() {
        ParsedEmail mail = reader.parse(fixture("gmail-reply.eml"));

        assertThat(mail.messageId()).isEqualTo("<CAH7pZ1x9vQe3fVb0nRk_2mLwYq8TtJ4cXo5sDgUe+3aPq6Lw@mail.gmail.com>");
        assertThat(mail.inReplyTo()).isEqualTo(OUR_ID);
        assertThat(mail.references()).containsExactly(OUR_ID);
        assertThat(mail.from()).isEqualTo(JANE);
        assertThat(mail.to()).containsExactly(SUPPORT);
        assertThat(mail.subject()).isEqualTo("Re: Your order #1042 has shipped");
        assertThat(mail.sentAt()).isEqualTo(Instant.parse("2026-11-23T10:15:31Z"));
        assertThat(mail.text()).contains("The parcel hasn't arrived yet.", "> Your order #1042 has shipped");
        assertThat(mail.html()).contains("<div class=\"gmail_quote gmail_quote_container\">");
        assertThat(mail.replyText()).isEqualTo("""
                Hi,

                The parcel hasn't arrived yet. Could you check the tracking number for me?

                Thanks,
                Jane""");
        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.autoReply()).isFalse();
        assertThat(mail.bulk()).isFalse();
    }

    @Test
    void outlookReply() {
        ParsedEmail mail = reader.parse(fixture("outlook-reply.eml"));

        assertThat(mail.messageId())
                .isEqualTo("<AM9PR02MB7410C3F1E2B6A4D8E9F0A1B2C3D4E5F6A@AM9PR02MB7410.eurprd02.prod.outlook.com>");
        assertThat(mail.inReplyTo()).isEqualTo(OUR_ID);
        assertThat(mail.references()).containsExactly(OUR_ID);
        assertThat(mail.from()).isEqualTo(JANE);
        assertThat(mail.subject()).isEqualTo("RE: Your order #1042 has shipped");
        // quoted-printable soft line breaks joined, UTF-8 dash and apostrophe decoded
        assertThat(mail.text()).contains("Thanks for the update – but the tracking page says the parcel was "
                + "returned to the sender. Could you send it again? I’ll be at home all week.");
        assertThat(mail.replyText()).isEqualTo("""
                Hello,

                Thanks for the update – but the tracking page says the parcel was returned to the sender. \
                Could you send it again? I’ll be at home all week.

                Kind regards
                Jane Doe""");
        assertThat(mail.html()).contains("<b>Sent:</b> Monday, November 23, 2026 10:02 AM");
        assertThat(mail.autoReply()).isFalse();
        assertThat(mail.bulk()).isFalse();
    }

    @Test
    void appleMailReply() {
        ParsedEmail mail = reader.parse(fixture("apple-mail-reply.eml"));

        assertThat(mail.messageId()).isEqualTo("<8E1F5D2C-3B4A-4C6D-9E8F-0A1B2C3D4E5F@customer.test>");
        assertThat(mail.inReplyTo()).isEqualTo(OUR_ID);
        assertThat(mail.references()).containsExactly(OUR_ID);
        assertThat(mail.from()).isEqualTo(JANE);
        assertThat(mail.cc()).containsExactly(new EmailAddress("john@customer.test", "John Doe"));
        assertThat(mail.subject()).isEqualTo("Re: Your order #1042 has shipped");
        assertThat(mail.html()).contains("<blockquote type=\"cite\">");
        assertThat(mail.replyText()).isEqualTo("Thanks, it arrived this morning. One of the mugs is chipped though "
                + "– can I get a replacement?\n\nJane");
        assertThat(mail.autoReply()).isFalse();
    }

    @Test
    void aForwardKeepsTheForwardedMessageAsItsReplyText() {
        ParsedEmail mail = reader.parse(fixture("forward.eml"));

        assertThat(mail.subject()).isEqualTo("Fwd: Invoice INV-2026-0815");
        assertThat(mail.inReplyTo()).isNull();
        assertThat(mail.references()).isEmpty();
        assertThat(mail.to()).containsExactly(EmailAddress.of("support@acme.test"));
        assertThat(mail.replyText()).startsWith("---------- Forwarded message ---------\nFrom: Acme Billing")
                .contains("Please find your invoice INV-2026-0815 for November attached.")
                .endsWith("Kind regards,\nAcme Billing");
        assertThat(mail.autoReply()).isFalse();
    }

    @Test
    void anOutOfOfficeReplyIsAutomatic() {
        ParsedEmail mail = reader.parse(fixture("auto-reply.eml"));

        assertThat(mail.subject()).isEqualTo("Automatic reply: Your order #1042 has shipped");
        assertThat(mail.inReplyTo()).isEqualTo(OUR_ID);
        assertThat(mail.autoReply()).isTrue();
        assertThat(mail.bulk()).isFalse();
        assertThat(mail.replyText()).startsWith("I am out of the office until Monday, 30 November");
    }

    @Test
    void aReplyToSomeoneElsesNewsletterKeepsItsForeignThreadIds() {
        ParsedEmail mail = reader.parse(fixture("newsletter-reply.eml"));

        assertThat(mail.messageId()).isEqualTo("<5d2e8c41-7b3a-4f9e-a6c1-2b8d0e4f7a93@customer.test>");
        assertThat(mail.inReplyTo()).isEqualTo("<digest-42@news.example.org>");
        assertThat(mail.references()).containsExactly("<digest-42@news.example.org>");
        assertThat(mail.threadReferences()).containsExactly("<digest-42@news.example.org>");
        assertThat(mail.subject()).isEqualTo("Re: Weekly digest #42");
        assertThat(mail.autoReply()).isFalse();
        assertThat(mail.bulk()).isFalse();
        // format=flowed: the soft line break after "open to " is joined
        assertThat(mail.replyText()).isEqualTo("Hello,\n\nIs the webinar on 3 December mentioned in this digest also "
                + "open to existing customers? I would like to register my whole team.\n\nThanks,\nJane");
    }

    @Test
    void firstContactInIso88591WithAPdfAttached() {
        ParsedEmail mail = reader.parse(fixture("first-contact.eml"));

        assertThat(mail.messageId()).isEqualTo("<000001dc5b22$5e8f1b20$1bad5160$@customer.test>");
        assertThat(mail.inReplyTo()).isNull();
        assertThat(mail.references()).isEmpty();
        assertThat(mail.from()).isEqualTo(JANE);
        assertThat(mail.to()).containsExactly(EmailAddress.of("support@acme.test"));
        assertThat(mail.subject()).isEqualTo("Änderung der Lieferadresse für Bestellung 1042");
        assertThat(mail.text()).contains("Es muss Hauptstraße 7 statt Hauptstraße 5 heißen.",
                "Können Sie die Adresse noch ändern?", "Mit freundlichen Grüßen\nJane Doe");
        assertThat(mail.html()).isNull();
        assertThat(mail.replyText()).isEqualTo(mail.text().strip());
        assertThat(mail.sentAt()).isEqualTo(Instant.parse("2026-11-21T15:20:03Z"));
        assertThat(mail.attachments()).singleElement().satisfies(file -> {
            assertThat(file.filename()).isEqualTo("Bestellbestätigung 1042.pdf");
            assertThat(file.contentType()).isEqualTo("application/pdf");
            assertThat(new String(file.content(), StandardCharsets.ISO_8859_1)).startsWith("%PDF-1.4")
                    .contains("(Bestellbestaetigung 1042) Tj").endsWith("%%EOF\n");
        });
    }

    @Test
    void anHtmlOnlyMailGetsItsTextFromTheHtml() {
        ParsedEmail mail = reader.parse(fixture("html-only.eml"));

        assertThat(mail.html()).contains("<b>Premium&nbsp;Plus</b>");
        assertThat(mail.text()).isEqualTo("""
                Hello Acme team,

                I would like to cancel my subscription Premium Plus at the end of this month.
                My customer number is 88231.

                - Plan: Premium Plus (€19.90/month)
                - Started: March 2026

                Best wishes,
                Jane Doe""");
        assertThat(mail.replyText()).isEqualTo(mail.text());
        assertThat(mail.subject()).isEqualTo("Cancel my subscription");
    }

    @Test
    void referencesAreReadFromFoldedJunkyHeadersAndKeptToTheNewestFifty() {
        String folded = IntStream.rangeClosed(1, 60).mapToObj(i -> "<ref-" + i + "@example.org>")
                .collect(Collectors.joining(",\r\n\t"));
        ParsedEmail mail = reader.parse(mail("References: " + folded + " (junk) not-an-id\r\n"
                + "In-Reply-To: Your message of Monday <ref-60@example.org>\r\n"
                + "Message-ID: bare-id@customer.test\r\n", "Hi"));

        assertThat(mail.references()).hasSize(EmailMimeReader.MAX_REFERENCES)
                .startsWith("<ref-11@example.org>").endsWith("<ref-60@example.org>");
        assertThat(mail.inReplyTo()).isEqualTo("<ref-60@example.org>");
        assertThat(mail.messageId()).isEqualTo("<bare-id@customer.test>");
    }

    @Test
    void encodedAndRawEightBitHeadersAreDecoded() {
        byte[] utf8 = mail("Subject: Grüße aus Köln\r\n", "Hi");
        byte[] encoded = mail("Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n", "Hi");
        byte[] latin1 = ("From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <JUERGEN@Customer.TEST>\r\n"
                + "Subject: Grüße aus Köln\r\n\r\nHi\r\n").getBytes(StandardCharsets.ISO_8859_1);

        assertThat(reader.parse(utf8).subject()).isEqualTo("Grüße aus Köln");
        assertThat(reader.parse(encoded).subject()).isEqualTo("Grüße aus Köln");
        ParsedEmail fromLatin1 = reader.parse(latin1);
        assertThat(fromLatin1.subject()).isEqualTo("Grüße aus Köln");
        assertThat(fromLatin1.from()).isEqualTo(new EmailAddress("juergen@customer.test", "Jürgen Müller"));
    }

    @Test
    void bodyCharsetsAreHonouredAndCommonMislabelsRead() {
        byte[] windows1252 = ("From: jane@customer.test\r\nContent-Type: text/plain; charset=\"iso-8859-1\"\r\n\r\n"
                + "Preis: 49 \u20ac \u201egerne\u201c\r\n").getBytes(Charset.forName("windows-1252"));
        byte[] utf8AsAscii = ("From: jane@customer.test\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "Grüße\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] undeclaredLatin1 = ("From: jane@customer.test\r\n\r\nGrüße\r\n").getBytes(StandardCharsets.ISO_8859_1);

        assertThat(reader.parse(windows1252).text()).isEqualTo("Preis: 49 € „gerne“\n");
        assertThat(reader.parse(utf8AsAscii).text()).isEqualTo("Grüße\n");
        assertThat(reader.parse(undeclaredLatin1).text()).isEqualTo("Grüße\n");
    }

    @Test
    void listMailIsBulkAndAutoSubmittedHeadersMakeAnAutoReply() {
        assertThat(reader.parse(mail("List-Id: Weekly digest <digest.news.example.org>\r\n", "x")).bulk()).isTrue();
        assertThat(reader.parse(mail("List-Unsubscribe: <https://news.example.org/u/42>\r\n", "x")).bulk())
                .isTrue();
        assertThat(reader.parse(mail("Precedence: bulk\r\n", "x")).bulk()).isTrue();
        assertThat(reader.parse(mail("Precedence: junk\r\n", "x")).bulk()).isTrue();

        assertThat(reader.parse(mail("Auto-Submitted: auto-generated\r\n", "x")).autoReply()).isTrue();
        assertThat(reader.parse(mail("Auto-Submitted: no\r\n", "x")).autoReply()).isFalse();
        assertThat(reader.parse(mail("X-Autoreply: yes\r\n", "x")).autoReply()).isTrue();
        assertThat(reader.parse(mail("X-Autorespond: Out of office\r\n", "x")).autoReply()).isTrue();
        assertThat(reader.parse(mail("Precedence: auto_reply\r\n", "x")).autoReply()).isTrue();
        assertThat(reader.parse(mail("Subject: Abwesend: Ihre Bestellung\r\n", "x")).autoReply()).isTrue();
        assertThat(reader.parse(mail("Subject: Out of Office: Your order\r\n", "x")).autoReply()).isTrue();
        // Outlook sets it on mail people write too
        assertThat(reader.parse(mail("X-Auto-Response-Suppress: All\r\n", "x")).autoReply()).isFalse();
        assertThat(reader.parse(mail("", "x")).autoReply()).isFalse();
        assertThat(reader.parse(mail("", "x")).bulk()).isFalse();
    }

    @Test
    void aForwardedAttachmentAndAnInlineImageAreAttachments() {
        String raw = """
                From: Jane Doe <jane@customer.test>
                To: support@acme.test
                Subject: Fw: Invoice
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="outer"

                --outer
                Content-Type: multipart/related; boundary="inner"

                --inner
                Content-Type: text/html; charset=utf-8

                <p>See the screenshot: <img src="cid:shot@customer.test"></p>
                --inner
                Content-Type: image/png
                Content-Transfer-Encoding: base64
                Content-ID: <shot@customer.test>

                iVBORw0KGgo=
                --inner--
                --outer
                Content-Type: message/rfc822

                From: Acme Billing <billing@acme.test>
                Subject: Invoice INV-2026-0815

                Dear Jane, your invoice.
                --outer--
                """.replace("\n", "\r\n");

        ParsedEmail mail = reader.parse(raw.getBytes(StandardCharsets.US_ASCII));

        assertThat(mail.text()).isEqualTo("See the screenshot:");
        assertThat(mail.attachments()).extracting(EmailFile::filename, EmailFile::contentType)
                .containsExactly(tuple("attachment-1", "image/png"),
                        tuple(EmailMimeReader.FORWARDED_FILENAME, "message/rfc822"));
        assertThat(mail.attachments().get(0).content()).startsWith(0x89, 'P', 'N', 'G');
        assertThat(new String(mail.attachments().get(1).content(), StandardCharsets.US_ASCII))
                .startsWith("From: Acme Billing <billing@acme.test>").contains("Dear Jane, your invoice.");
    }

    @Test
    void garbageIsAMalformedEmail() {
        byte[] random = new byte[4096];
        new Random(42).nextBytes(random);

        assertThatThrownBy(() -> reader.parse(random)).isInstanceOf(MalformedEmailException.class);
        assertThatThrownBy(() -> reader.parse(new byte[0])).isInstanceOf(MalformedEmailException.class);
        assertThatThrownBy(() -> reader.parse(null)).isInstanceOf(MalformedEmailException.class);
        assertThatThrownBy(() -> reader.parse("just some words\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedEmailException.class).hasMessageContaining("no sender");
    }

    @Test
    void partsNestedTooDeeplyAreAMalformedEmail() {
        StringBuilder raw = new StringBuilder("From: jane@customer.test\r\nMIME-Version: 1.0\r\n");
        int levels = EmailMimeReader.MAX_DEPTH + 5;
        for (int i = 0; i < levels; i++) {
            raw.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i)
                    .append("\r\n");
        }
        raw.append("Content-Type: text/plain\r\n\r\ndeep\r\n");

        assertThatThrownBy(() -> reader.parse(raw.toString().getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedEmailException.class).hasMessageContaining("nested");
    }

    @Test
    void aMailOverTheSizeLimitIsRefusedBeforeParsing() {
        EmailMimeReader small = new EmailMimeReader(1024);
        byte[] raw = fixture("gmail-reply.eml");

        assertThat(raw.length).isGreaterThan(1024);
        assertThatThrownBy(() -> small.parse(raw)).isInstanceOf(MalformedEmailException.class)
                .hasMessageContaining("over the limit of 1024");
    }

    @Test
    void damagedMailEitherParsesOrIsMalformedButNeverThrowsAnythingElse() {
        Random random = new Random(7);
        List<byte[]> fixtures = new ArrayList<>();
        for (String name : FIXTURES) {
            fixtures.add(fixture(name));
        }
        for (int round = 0; round < 400; round++) {
            byte[] raw = fixtures.get(round % fixtures.size()).clone();
            int edits = 1 + random.nextInt(20);
            for (int i = 0; i < edits; i++) {
                raw[random.nextInt(raw.length)] = (byte) random.nextInt(256);
            }
            byte[] damaged = random.nextBoolean() ? raw : Arrays.copyOf(raw, random.nextInt(raw.length));
            try {
                ParsedEmail mail = reader.parse(damaged);
                assertThat(mail.from().address()).contains("@");
                assertThat(mail.text()).isNotNull();
            } catch (MalformedEmailException expected) {
                assertThat(expected.code()).isEqualTo(MalformedEmailException.CODE);
            }
        }
    }

    private static byte[] mail(String extraHeaders, String body) {
        return ("From: Jane Doe <jane@customer.test>\r\nTo: support@acme.test\r\n" + extraHeaders
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] fixture(String name) {
        try (InputStream in = EmailMimeReaderTest.class.getResourceAsStream("/email/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
