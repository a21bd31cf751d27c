package com.custarea.app.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.email.SnsTestSigner;
import com.custarea.schemas.PayloadJson;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The e-mail providers' side of the tests, on the shared WireMock: SNS messages signed as SNS signs them (with a
 * certificate served under /sns), SES's API answers, Google's push tokens (signed with a key served as Google's
 * JWKS) and raw mail fixtures.
 */
public final class EmailFakes {

    public static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:custarea-inbound";
    public static final String GMAIL_TOPIC = "projects/custarea-test/topics/gmail";
    public static final String PUSH_AUDIENCE = "https://custarea.example.test/api/webhooks/gmail";
    public static final String CERT_PATH = "/sns/SimpleNotificationService-test.pem";

    private static final SnsTestSigner SNS = new SnsTestSigner();
    private static final RSAKey GOOGLE_KEY = generateKey();

    private EmailFakes() {
    }

    /** Serves the SNS certificate, Google's keys and SES's SendRawEmail (a new message id per call). */
    public static void stubProviders(WireMockServer server) {
        server.stubFor(get(urlPathEqualTo(CERT_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-pem-file").withBody(SNS.certificatePem())));
        server.stubFor(get(urlPathEqualTo("/google/certs")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(new JWKSet(GOOGLE_KEY.toPublicJWK()).toString())));
        server.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=SendRawEmail"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withTransformers("response-template")
                        .withBody("<SendRawEmailResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
                                + "<SendRawEmailResult><MessageId>0100{{randomValue length=20 type='ALPHANUMERIC'"
                                + " lowercase=true}}-000000</MessageId></SendRawEmailResult>"
                                + "<ResponseMetadata><RequestId>{{randomValue type='UUID'}}</RequestId>"
                                + "</ResponseMetadata></SendRawEmailResponse>")));
    }

    /** SES's identity verification: nothing verified yet, and a verification mail sent on request. */
    public static void stubSesIdentities(WireMockServer server) {
        server.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=GetIdentityVerificationAttributes"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(
                        "<GetIdentityVerificationAttributesResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
                                + "<GetIdentityVerificationAttributesResult><VerificationAttributes/>"
                                + "</GetIdentityVerificationAttributesResult><ResponseMetadata><RequestId>r1"
                                + "</RequestId></ResponseMetadata></GetIdentityVerificationAttributesResponse>")));
        server.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=VerifyEmailIdentity"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(
                        "<VerifyEmailIdentityResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
                                + "<VerifyEmailIdentityResult/><ResponseMetadata><RequestId>r2</RequestId>"
                                + "</ResponseMetadata></VerifyEmailIdentityResponse>")));
    }

    /** SES refusing every send from {@code address} as throttled (what SES answers over the sending rate). */
    public static void stubSesThrottling(WireMockServer server, String address) {
        server.stubFor(post(urlPathEqualTo("/")).atPriority(1).withRequestBody(containing("Action=SendRawEmail"))
                .withRequestBody(containing("Source=" + address.replace("@", "%40")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml").withBody(
                        "<ErrorResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\"><Error><Type>Sender</Type>"
                                + "<Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error>"
                                + "<RequestId>r3</RequestId></ErrorResponse>")));
    }

    /** The certificate URL our SNS messages name. */
    public static String certificateUrl(WireMockServer server) {
        return server.baseUrl() + CERT_PATH;
    }

    /** An SNS Notification carrying {@code message}, signed. */
    public static String snsNotification(WireMockServer server, String topicArn, String message) {
        return SNS.notification(topicArn, "Amazon SES Email Receipt Notification", message,
                certificateUrl(server));
    }

    /** An SNS Notification carrying {@code message}, signed with a certificate at {@code certificateUrl}. */
    public static String snsNotification(String certificateUrl, String message) {
        return SNS.notification(TOPIC_ARN, null, message, certificateUrl);
    }

    /** An SNS SubscriptionConfirmation, signed. */
    public static String snsSubscriptionConfirmation(WireMockServer server, String subscribeUrl) {
        return SNS.subscriptionConfirmation(TOPIC_ARN, subscribeUrl, certificateUrl(server));
    }

    /** SES's receipt notification of {@code raw} for {@code recipients}, the mail inline (SNS action, UTF-8). */
    public static String sesReceived(byte[] raw, List<String> recipients, String sesMessageId) {
        Map<String, Object> mail = new LinkedHashMap<>();
        mail.put("timestamp", Instant.now().toString());
        mail.put("source", "jane@customer.test");
        mail.put("messageId", sesMessageId);
        mail.put("destination", recipients);
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("timestamp", Instant.now().toString());
        receipt.put("recipients", recipients);
        receipt.put("spamVerdict", Map.of("status", "PASS"));
        receipt.put("virusVerdict", Map.of("status", "PASS"));
        receipt.put("action", Map.of("type", "SNS", "topicArn", TOPIC_ARN, "encoding", "BASE64"));
        Map<String, Object> notification = new LinkedHashMap<>();
        notification.put("notificationType", "Received");
        notification.put("mail", mail);
        notification.put("receipt", receipt);
        notification.put("content", Base64.getEncoder().encodeToString(raw));
        return PayloadJson.write(notification);
    }

    /** SES's receipt notification of a mail the receipt rule's S3 action stored as {@code bucket}/{@code key}. */
    public static String sesReceivedInS3(List<String> recipients, String sesMessageId, String bucket, String key) {
        Map<String, Object> notification = PayloadJson.mapper().convertValue(PayloadJson.tree(sesReceived(new byte[0],
                recipients, sesMessageId)), LinkedHashMap.class);
        notification.remove("content");
        @SuppressWarnings("unchecked")
        Map<String, Object> receipt = (Map<String, Object>) notification.get("receipt");
        receipt.put("action", Map.of("type", "S3", "topicArn", TOPIC_ARN, "bucketName", bucket,
                "objectKeyPrefix", "inbound/", "objectKey", key));
        return PayloadJson.write(notification);
    }

    /** SES's permanent bounce notification of the mail it sent as {@code sesMessageId}. */
    public static String sesBounce(String sesMessageId, String recipient) {
        return PayloadJson.write(Map.of("notificationType", "Bounce",
                "bounce", Map.of("bounceType", "Permanent", "bounceSubType", "General",
                        "bouncedRecipients", List.of(Map.of("emailAddress", recipient, "action", "failed",
                                "status", "5.1.1", "diagnosticCode", "smtp; 550 5.1.1 user unknown")),
                        "timestamp", Instant.now().toString(), "feedbackId", UUID.randomUUID().toString()),
                "mail", Map.of("timestamp", Instant.now().toString(), "source", "support@acme.test",
                        "messageId", sesMessageId, "destination", List.of(recipient))));
    }

    /** A Pub/Sub push's OIDC token, as Google signs it, for {@code audience}. */
    public static String pushToken(String audience) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(GOOGLE_KEY.getKeyID())
                    .build(), new JWTClaimsSet.Builder().issuer("https://accounts.google.com").audience(audience)
                    .subject("1234567890").claim("email", "gmail-api-push@system.gserviceaccount.com")
                    .claim("email_verified", true).issueTime(new Date())
                    .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
            jwt.sign(new RSASSASigner(GOOGLE_KEY));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Pub/Sub push body announcing {@code historyId} of {@code emailAddress}. */
    public static String pushBody(String emailAddress, long historyId) {
        String data = Base64.getEncoder().encodeToString(PayloadJson.write(Map.of("emailAddress", emailAddress,
                "historyId", historyId)).getBytes(StandardCharsets.UTF_8));
        return PayloadJson.write(Map.of("message", Map.of("data", data, "messageId", UUID.randomUUID().toString(),
                "publishTime", Instant.now().toString()), "subscription", "projects/custarea-test/subscriptions/push"));
    }

    /** The raw mail fixture {@code name} (under /email/), with {@code replacements} applied to its text. */
    public static byte[] fixture(String name, Map<String, String> replacements) {
        try (InputStream in = EmailFakes.class.getResourceAsStream("/email/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            for (Map.Entry<String, String> replacement : replacements.entrySet()) {
                text = text.replace(replacement.getKey(), replacement.getValue());
            }
            return text.getBytes(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The MIME SES received in a SendRawEmail request (its RawMessage.Data parameter). */
    public static String rawMimeOf(LoggedRequest sendRawEmail) {
        for (String parameter : sendRawEmail.getBodyAsString().split("&")) {
            if (parameter.startsWith("RawMessage.Data=")) {
                String data = URLDecoder.decode(parameter.substring("RawMessage.Data=".length()),
                        StandardCharsets.UTF_8);
                return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("No RawMessage.Data in " + sendRawEmail.getBodyAsString());
    }

    private static RSAKey generateKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("google-test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
