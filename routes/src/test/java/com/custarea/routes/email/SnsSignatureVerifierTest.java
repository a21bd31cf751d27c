package com.custarea.routes.email;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.permanentRedirect;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.custarea.schemas.PayloadJson;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SNS signatures checked against a certificate served by a local fake of SNS's certificate host. */
class SnsSignatureVerifierTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:custarea-inbound";
    private static final String CERTIFICATE_PATH = "/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
    /** Escaped characters, non-ASCII text and CRLFs: the signature covers the Message as decoded from the JSON. */
    private static final String SES_MESSAGE = "{\"notificationType\":\"Received\",\"mail\":{\"messageId\":"
            + "\"o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1\"},\"content\":\"Subject: Gr\u00fc\u00dfe\\r\\n\\r\\n"
            + "\\\"Hallo\\\"\\r\\n\"}";
    private static final SnsTestSigner SNS = new SnsTestSigner();

    private final WireMockServer certificateHost = new WireMockServer(WireMockConfiguration.options()
            .bindAddress("127.0.0.1").dynamicPort());
    private SnsSignatureVerifier verifier;
    private String certificateUrl;

    @BeforeEach
    void start() {
        certificateHost.start();
        certificateHost.stubFor(get(urlPathEqualTo(CERTIFICATE_PATH)).willReturn(ok(SNS.certificatePem())));
        certificateUrl = "http://localhost:" + certificateHost.port() + CERTIFICATE_PATH;
        verifier = new SnsSignatureVerifier(new SnsUrlPolicy("localhost", false), Duration.ofHours(1));
    }

    @AfterEach
    void stop() {
        certificateHost.stop();
    }

    @Test
    void aNotificationWithSubjectSignedWithVersion2IsAccepted() {
        SnsMessage message = parse(SNS.notification(TOPIC, "Amazon SES Email Receipt Notification", SES_MESSAGE,
                certificateUrl));

        assertThatCode(() -> verifier.verify(message)).doesNotThrowAnyException();
        assertThat(message.subject()).isEqualTo("Amazon SES Email Receipt Notification");
        assertThat(message.message()).isEqualTo(SES_MESSAGE);
    }

    @Test
    void aNotificationWithoutSubjectSignedWithVersion2IsAccepted() {
        SnsMessage message = parse(SNS.notification(TOPIC, null, SES_MESSAGE, certificateUrl));

        assertThatCode(() -> verifier.verify(message)).doesNotThrowAnyException();
        assertThat(message.subject()).isNull();
    }

    @Test
    void notificationsSignedWithVersion1AreAccepted() {
        SnsMessage withSubject = parse(SNS.signedJson(SnsTestSigner.notificationFields(TOPIC, "Bounce", SES_MESSAGE),
                "1", certificateUrl));
        SnsMessage withoutSubject = parse(SNS.signedJson(SnsTestSigner.notificationFields(TOPIC, null, SES_MESSAGE),
                "1", certificateUrl));

        assertThatCode(() -> verifier.verify(withSubject)).doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify(withoutSubject)).doesNotThrowAnyException();
        assertThat(withSubject.signatureVersion()).isEqualTo("1");
    }

    @Test
    void subscriptionAndUnsubscribeConfirmationsOfBothVersionsAreAccepted() {
        String subscribeUrl = "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC
                + "&Token=2336412f37fb687f5d51e6e2425c464de12884e7";
        SnsMessage subscription = parse(SNS.subscriptionConfirmation(TOPIC, subscribeUrl, certificateUrl));
        SnsMessage subscriptionVersion1 = parse(SNS.signedJson(SnsTestSigner.confirmationFields(
                SnsMessage.SUBSCRIPTION_CONFIRMATION, TOPIC, subscribeUrl), "1", certificateUrl));
        SnsMessage unsubscribe = parse(SNS.signedJson(SnsTestSigner.confirmationFields(
                SnsMessage.UNSUBSCRIBE_CONFIRMATION, TOPIC, subscribeUrl), "2", certificateUrl));

        assertThatCode(() -> verifier.verify(subscription)).doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify(subscriptionVersion1)).doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify(unsubscribe)).doesNotThrowAnyException();
        assertThat(subscription.isSubscriptionConfirmation()).isTrue();
        assertThat(subscription.subscribeUrl()).isEqualTo(subscribeUrl);
        assertThat(unsubscribe.isUnsubscribeConfirmation()).isTrue();
    }

    @Test
    void aTamperedMessageSubjectTopicOrSubscribeUrlIsRefused() {
        SnsMessage signed = parse(SNS.notification(TOPIC, "Amazon SES Email Receipt Notification", SES_MESSAGE,
                certificateUrl));
        SnsMessage confirmation = parse(SNS.subscriptionConfirmation(TOPIC,
                "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc", certificateUrl));

        SnsMessage otherMessage = new SnsMessage(signed.type(), signed.messageId(), signed.topicArn(),
                signed.subject(), signed.message().replace("Hallo", "Hello"), signed.timestamp(),
                signed.signatureVersion(), signed.signature(), signed.signingCertUrl(), null, null, null);
        SnsMessage noSubject = new SnsMessage(signed.type(), signed.messageId(), signed.topicArn(), null,
                signed.message(), signed.timestamp(), signed.signatureVersion(), signed.signature(),
                signed.signingCertUrl(), null, null, null);
        SnsMessage otherTopic = new SnsMessage(signed.type(), signed.messageId(), TOPIC + "-other", signed.subject(),
                signed.message(), signed.timestamp(), signed.signatureVersion(), signed.signature(),
                signed.signingCertUrl(), null, null, null);
        SnsMessage otherSubscribeUrl = new SnsMessage(confirmation.type(), confirmation.messageId(),
                confirmation.topicArn(), null, confirmation.message(), confirmation.timestamp(),
                confirmation.signatureVersion(), confirmation.signature(), confirmation.signingCertUrl(),
                "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=other", confirmation.token(),
                null);

        for (SnsMessage tampered : new SnsMessage[] {otherMessage, noSubject, otherTopic, otherSubscribeUrl}) {
            assertThatThrownBy(() -> verifier.verify(tampered)).isInstanceOf(InvalidSnsMessageException.class)
                    .hasMessageContaining("signature does not match");
        }
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() {
        SnsTestSigner impostor = new SnsTestSigner();
        SnsMessage message = parse(impostor.notification(TOPIC, null, SES_MESSAGE, certificateUrl));

        assertThatThrownBy(() -> verifier.verify(message)).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessageContaining("signature does not match");
    }

    @Test
    void signatureVersion3IsRefusedBeforeAnyCertificateIsFetched() {
        SnsMessage message = parse(SNS.signedJson(SnsTestSigner.notificationFields(TOPIC, null, SES_MESSAGE), "3",
                certificateUrl));

        assertThatThrownBy(() -> verifier.verify(message)).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessageContaining("SignatureVersion 3 is not supported");
        certificateHost.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aCertificateUrlOffTheAllowedHostIsRefusedWithoutBeingFetched() {
        // the same fake, named by an address the policy does not allow: had it been fetched, the fake would know
        String offHost = "http://127.0.0.1:" + certificateHost.port() + CERTIFICATE_PATH;
        String notPem = "http://localhost:" + certificateHost.port() + "/SimpleNotificationService.crt";
        SnsMessage fromOffHost = parse(SNS.notification(TOPIC, null, SES_MESSAGE, offHost));
        SnsMessage fromNotPem = parse(SNS.notification(TOPIC, null, SES_MESSAGE, notPem));

        assertThatThrownBy(() -> verifier.verify(fromOffHost)).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessageContaining("SigningCertURL " + offHost + " is not an SNS certificate");
        assertThatThrownBy(() -> verifier.verify(fromNotPem)).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessageContaining("is not an SNS certificate");
        certificateHost.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anExpiredCertificateIsRefused() {
        SnsTestSigner expired = new SnsTestSigner(Instant.now().minus(Duration.ofDays(400)),
                Instant.now().minus(Duration.ofDays(1)));
        certificateHost.stubFor(get(urlPathEqualTo("/expired.pem")).willReturn(ok(expired.certificatePem())));
        SnsMessage message = parse(expired.notification(TOPIC, null, SES_MESSAGE,
                "http://localhost:" + certificateHost.port() + "/expired.pem"));

        assertThatThrownBy(() -> verifier.verify(message)).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessageContaining("expired or not yet valid");
    }

    @Test
    void aMissingCertificateOrARedirectIsRefusedAndTheRedirectIsNotFollowed() {
        certificateHost.stubFor(get(urlPathEqualTo("/moved.pem")).willReturn(permanentRedirect(CERTIFICATE_PATH)));
        SnsMessage missing = parse(SNS.notification(TOPIC, null, SES_MESSAGE,
                "http://localhost:" + certificateHost.port() + "/missing.pem"));
        SnsMessage moved = parse(SNS.notification(TOPIC, null, SES_MESSAGE,
                "http://localhost:" + certificateHost.port() + "/moved.pem"));

        assertThatThrownBy(() -> verifier.verify(missing)).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessageContaining("answered 404");
        assertThatThrownBy(() -> verifier.verify(moved)).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessageContaining("answered 301");
        certificateHost.verify(0, getRequestedFor(urlPathEqualTo(CERTIFICATE_PATH)));
    }

    @Test
    void theCertificateIsFetchedOnceForManyMessages() {
        SnsMessage first = parse(SNS.notification(TOPIC, null, SES_MESSAGE, certificateUrl));
        SnsMessage second = parse(SNS.notification(TOPIC, "Amazon SES Email Receipt Notification", "{}",
                certificateUrl));

        verifier.verify(first);
        verifier.verify(second);

        certificateHost.verify(1, getRequestedFor(urlPathEqualTo(CERTIFICATE_PATH)));
    }

    @Test
    void theStringToSignFollowsAwsOrder() {
        SnsMessage notification = new SnsMessage(SnsMessage.NOTIFICATION, "m-1", TOPIC, "Hi", "body", "t", "2", "s",
                certificateUrl, null, null, "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe");
        SnsMessage confirmation = new SnsMessage(SnsMessage.SUBSCRIPTION_CONFIRMATION, "m-2", TOPIC, null, "join",
                "t", "2", "s", certificateUrl, "https://sns/confirm", "tok", null);

        assertThat(SnsSignatureVerifier.stringToSign(notification)).isEqualTo(
                "Message\nbody\nMessageId\nm-1\nSubject\nHi\nTimestamp\nt\nTopicArn\n" + TOPIC
                        + "\nType\nNotification\n");
        assertThat(SnsSignatureVerifier.stringToSign(confirmation)).isEqualTo(
                "Message\njoin\nMessageId\nm-2\nSubscribeURL\nhttps://sns/confirm\nTimestamp\nt\nToken\ntok\n"
                        + "TopicArn\n" + TOPIC + "\nType\nSubscriptionConfirmation\n");
    }

    @Test
    void aBodyThatIsNotAnSnsMessageIsRefusedWithTheReason() {
        Map<String, String> noSignature = SnsTestSigner.notificationFields(TOPIC, null, SES_MESSAGE);
        String withoutSignature = PayloadJson.write(noSignature);

        assertThatThrownBy(() -> parse("not json")).isInstanceOf(InvalidSnsMessageException.class)
                .hasMessage("The SNS message is not JSON");
        assertThatThrownBy(() -> parse("[1]")).hasMessage("The SNS message is not a JSON object");
        assertThatThrownBy(() -> parse(withoutSignature)).hasMessage("The SNS message has no SignatureVersion");
        assertThatThrownBy(() -> parse("{\"Type\":\"Hello\"}")).hasMessage("Unknown SNS message Type Hello");
        assertThatThrownBy(() -> parse(SNS.subscriptionConfirmation(TOPIC, "", certificateUrl)))
                .hasMessage("The SNS message has no SubscribeURL");
    }

    private static SnsMessage parse(String json) {
        return SnsMessage.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
