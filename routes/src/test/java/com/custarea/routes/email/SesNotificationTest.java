package com.custarea.routes.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import com.custarea.routes.email.SesNotification.Bounce;
import com.custarea.routes.email.SesNotification.Complaint;
import com.custarea.routes.email.SesNotification.Delivery;
import com.custarea.routes.email.SesNotification.DeliveryDelay;
import com.custarea.routes.email.SesNotification.Received;
import com.custarea.routes.email.SesNotification.RecipientStatus;
import com.custarea.routes.email.SesNotification.Reject;
import com.custarea.routes.email.SesNotification.Send;
import com.custarea.routes.email.SesNotification.Unknown;
import org.junit.jupiter.api.Test;

/** SES notifications, shaped on AWS's documented examples, read into their kinds. */
class SesNotificationTest {

    @Test
    void aMailReceivedThroughTheSnsActionInUtf8CarriesItsRawMime() {
        Received received = (Received) SesNotification.parse(fixture("received-sns-utf8.json"));

        assertThat(received.type()).isEqualTo("Received");
        assertThat(received.mail().sesMessageId()).isEqualTo("o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1");
        assertThat(received.mail().timestamp()).isEqualTo(Instant.parse("2026-11-24T09:14:07.512Z"));
        assertThat(received.mail().source()).isEqualTo("maria.lopez@example.org");
        assertThat(received.mail().headerMessageId()).isEqualTo("<CAF7x2Lq0w9e@mail.example.org>");
        assertThat(received.mail().subject()).isEqualTo("Order 1042 has not arrived");
        assertThat(received.recipients()).containsExactly("support@help.acme.example");
        assertThat(received.receivedAt()).isEqualTo(Instant.parse("2026-11-24T09:14:07.512Z"));
        assertThat(received.action().isSns()).isTrue();
        assertThat(received.action().encoding()).isEqualTo("UTF8");
        assertThat(received.action().topicArn()).isEqualTo("arn:aws:sns:eu-west-1:123456789012:custarea-inbound");
        assertThat(received.verdicts()).isEqualTo(new SesNotification.Verdicts("PASS", "PASS", "PASS", "PASS",
                "PASS"));
        assertThat(received.verdicts().virusFound()).isFalse();
        String mime = new String(received.inlineContent().orElseThrow(), StandardCharsets.UTF_8);
        assertThat(mime).startsWith("Return-Path: <maria.lopez@example.org>\r\n")
                .contains("Message-ID: <CAF7x2Lq0w9e@mail.example.org>\r\n")
                .endsWith("\r\n\r\nHello, my order 1042 has not arrived yet. Can you check? Gracias, Mar\u00eda\r\n");
    }

    @Test
    void aMailReceivedInBase64KeepsItsOriginalBytesAndItsFailedVerdicts() {
        Received received = (Received) SesNotification.parse(fixture("received-sns-base64.json"));

        byte[] mime = received.inlineContent().orElseThrow();

        assertThat(received.action().encoding()).isEqualTo("BASE64");
        // ISO-8859-1 text: the 'ü' of "zurücksenden" is the single byte 0xFC, which UTF-8 text could not have kept
        String latin1 = new String(mime, StandardCharsets.ISO_8859_1);
        assertThat(latin1).contains("Content-Type: text/plain; charset=ISO-8859-1\r\n")
                .endsWith("ich m\u00f6chte die Ware zur\u00fccksenden. Gr\u00fc\u00dfe, Jens\r\n");
        assertThat(mime).contains((byte) 0xFC).doesNotContain((byte) 0xC3);
        assertThat(received.mail().subject()).isEqualTo("R\u00fccksendung");
        assertThat(received.verdicts().spam()).isEqualTo("FAIL");
        assertThat(received.verdicts().spamFound()).isTrue();
        assertThat(received.verdicts().virusFound()).isTrue();
    }

    @Test
    void aMailStoredByTheS3ActionNamesItsObjectAndHasNoInlineContent() {
        Received received = (Received) SesNotification.parse(fixture("received-s3.json"));

        assertThat(received.action().isS3()).isTrue();
        assertThat(received.action().bucketName()).isEqualTo("acme-inbound-mail");
        assertThat(received.action().objectKeyPrefix()).isEqualTo("incoming/");
        assertThat(received.action().objectKey()).isEqualTo("incoming/k2f8r1v0q7m3t9c4b6n5x0z1a8s7d2g3h4j5l6p0");
        assertThat(received.mail().sesMessageId()).isEqualTo("k2f8r1v0q7m3t9c4b6n5x0z1a8s7d2g3h4j5l6p0");
        assertThat(received.content()).isNull();
        assertThat(received.inlineContent()).isEmpty();
    }

    @Test
    void aPermanentBounceNamesTheRecipientTheDiagnosisAndOurMessageId() {
        Bounce bounce = (Bounce) SesNotification.parse(fixture("bounce-permanent.json"));

        assertThat(bounce.type()).isEqualTo("Bounce");
        assertThat(bounce.permanent()).isTrue();
        assertThat(bounce.bounceType()).isEqualTo(Bounce.PERMANENT);
        assertThat(bounce.bounceSubType()).isEqualTo("General");
        assertThat(bounce.bouncedRecipients()).containsExactly(new RecipientStatus("maria.lopez@example.org",
                "failed", "5.1.1",
                "smtp; 550 5.1.1 <maria.lopez@example.org>: Recipient address rejected: User unknown"));
        assertThat(bounce.timestamp()).isEqualTo(Instant.parse("2026-11-24T09:20:13.402Z"));
        assertThat(bounce.feedbackId()).isEqualTo("0102019a5f3e2b1c-6d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6-000000");
        assertThat(bounce.mail().sesMessageId())
                .isEqualTo("0102019a5f3e29d8-3c1b2a49-7e6f-4a5b-9c8d-0e1f2a3b4c5d-000000");
        assertThat(bounce.mail().headerMessageId())
                .isEqualTo("<7f3c2a10-9b1d-4e5f-8a6b-2c4d6e8f0a1b@help.acme.example>");
        assertThat(bounce.mail().destination()).containsExactly("maria.lopez@example.org");
    }

    @Test
    void aComplaintNamesWhoComplainedAndHow() {
        Complaint complaint = (Complaint) SesNotification.parse(fixture("complaint.json"));

        assertThat(complaint.type()).isEqualTo("Complaint");
        assertThat(complaint.complainedRecipients()).containsExactly("maria.lopez@example.org");
        assertThat(complaint.complaintFeedbackType()).isEqualTo("abuse");
        assertThat(complaint.timestamp()).isEqualTo(Instant.parse("2026-11-24T15:02:11.633Z"));
        assertThat(complaint.mail().headerMessageId())
                .isEqualTo("<7f3c2a10-9b1d-4e5f-8a6b-2c4d6e8f0a1b@help.acme.example>");
    }

    @Test
    void aDeliveryWithoutOriginalHeadersHasNoMessageIdHeader() {
        Delivery delivery = (Delivery) SesNotification.parse(fixture("delivery.json"));

        assertThat(delivery.type()).isEqualTo("Delivery");
        assertThat(delivery.recipients()).containsExactly("maria.lopez@example.org");
        assertThat(delivery.timestamp()).isEqualTo(Instant.parse("2026-11-24T09:31:41.005Z"));
        assertThat(delivery.smtpResponse()).startsWith("250 2.0.0 OK");
        assertThat(delivery.mail().sesMessageId())
                .isEqualTo("0102019a5f40c7e1-8e9f0a1b-2c3d-4e5f-6a7b-8c9d0e1f2a3b-000000");
        assertThat(delivery.mail().headerMessageId()).isNull();
        assertThat(delivery.mail().subject()).isNull();
    }

    @Test
    void aConfigurationSetBounceEventReadsLikeABounceNotification() {
        Bounce bounce = (Bounce) SesNotification.parse(fixture("event-bounce.json"));

        assertThat(bounce.permanent()).isFalse();
        assertThat(bounce.bounceType()).isEqualTo(Bounce.TRANSIENT);
        assertThat(bounce.bounceSubType()).isEqualTo("MailboxFull");
        assertThat(bounce.bouncedRecipients()).extracting(RecipientStatus::emailAddress, RecipientStatus::status)
                .containsExactly(tuple("orders@shop.example.com", "4.2.2"));
        // commonHeaders.messageId is SES's id here; the Message-ID header is ours
        assertThat(bounce.mail().headerMessageId())
                .isEqualTo("<b12e4c6a-0d8f-4a2b-9c7e-5f3a1d9b7e20@help.acme.example>");
    }

    @Test
    void sesOwnIdInCommonHeadersIsNoMessageIdHeader() {
        SesNotification send = SesNotification.parse("""
                {"eventType":"Send","send":{},
                 "mail":{"timestamp":"2026-11-24T09:35:02.640Z","messageId":"0102019a-ses-id-000000",
                         "source":"support@help.acme.example","destination":["a@example.com"],
                         "commonHeaders":{"messageId":"0102019a-ses-id-000000","subject":"Hi"}}}""");
        SesNotification bare = SesNotification.parse("""
                {"notificationType":"Delivery","delivery":{"recipients":["a@example.com"]},
                 "mail":{"messageId":"0102019a-ses-id-000001",
                         "headers":[{"name":"message-id","value":"ours@help.acme.example"}]}}""");

        assertThat(send).isInstanceOf(Send.class);
        assertThat(send.mail().headerMessageId()).isNull();
        assertThat(send.mail().subject()).isEqualTo("Hi");
        assertThat(bare.mail().headerMessageId()).isEqualTo("<ours@help.acme.example>");
    }

    @Test
    void rejectAndDeliveryDelayEventsKeepTheirDetails() {
        Reject reject = (Reject) SesNotification.parse("""
                {"eventType":"Reject","mail":{"messageId":"0102019a-rejected-000000"},
                 "reject":{"reason":"Bad content"}}""");
        DeliveryDelay delay = (DeliveryDelay) SesNotification.parse("""
                {"eventType":"DeliveryDelay","mail":{"messageId":"0102019a-delayed-000000"},
                 "deliveryDelay":{"timestamp":"2026-11-24T10:25:40.095Z",
                   "delayType":"TransientCommunicationFailure","expirationTime":"2026-11-25T10:15:40.914Z",
                   "delayedRecipients":[{"emailAddress":"a@example.com","status":"4.4.1",
                     "diagnosticCode":"smtp; 421 4.4.1 Unable to connect to remote host"}]}}""");

        assertThat(reject.reason()).isEqualTo("Bad content");
        assertThat(reject.mail().sesMessageId()).isEqualTo("0102019a-rejected-000000");
        assertThat(delay.delayType()).isEqualTo("TransientCommunicationFailure");
        assertThat(delay.expirationTime()).isEqualTo(Instant.parse("2026-11-25T10:15:40.914Z"));
        assertThat(delay.delayedRecipients()).containsExactly(new RecipientStatus("a@example.com", null, "4.4.1",
                "smtp; 421 4.4.1 Unable to connect to remote host"));
    }

    @Test
    void otherTypesAreUnknownWithTheirName() {
        SesNotification open = SesNotification.parse("""
                {"eventType":"Open","mail":{"messageId":"0102019a-opened-000000"},
                 "open":{"ipAddress":"192.0.2.1","timestamp":"2026-11-24T10:00:19.652Z"}}""");
        SesNotification test = SesNotification.parse("""
                {"notificationType":"AmazonSnsSubscriptionSucceeded","message":"You have successfully subscribed"}""");
        SesNotification untyped = SesNotification.parse("{\"hello\":\"world\"}");

        assertThat(open).isEqualTo(new Unknown("Open", new SesNotification.Mail("0102019a-opened-000000", null, null,
                List.of(), null, null)));
        assertThat(test).isEqualTo(new Unknown("AmazonSnsSubscriptionSucceeded", null));
        assertThat(untyped).isEqualTo(new Unknown(null, null));
    }

    @Test
    void whatIsNotAnSesNotificationIsRefusedWithTheReason() {
        assertThatThrownBy(() -> SesNotification.parse("Hello")).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessage("The SNS Message is not JSON");
        assertThatThrownBy(() -> SesNotification.parse("\"text\"")).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessage("The SNS Message is not a JSON object");
        assertThatThrownBy(() -> SesNotification.parse("{\"notificationType\":\"Bounce\",\"bounce\":{}}"))
                .isInstanceOf(InvalidSnsMessageException.class)
                .hasMessage("The SES Bounce notification has no mail.messageId");
        assertThatThrownBy(() -> SesNotification.parse(
                "{\"notificationType\":\"Delivery\",\"mail\":{\"messageId\":\"m\",\"timestamp\":\"yesterday\"}}"))
                .isInstanceOf(InvalidSnsMessageException.class).hasMessageContaining("not an ISO-8601 instant");
    }

    @Test
    void inlineContentInAnUnknownEncodingIsRefused() {
        Received received = (Received) SesNotification.parse("""
                {"notificationType":"Received","mail":{"messageId":"m-1"},
                 "receipt":{"action":{"type":"SNS","encoding":"UTF16"}},"content":"x"}""");

        assertThatThrownBy(received::inlineContent).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessage("Unknown content encoding UTF16");
    }

    private static String fixture(String name) {
        try (InputStream in = SesNotificationTest.class.getResourceAsStream("/email/ses/" + name)) {
            if (in == null) {
                throw new IllegalStateException("No fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
