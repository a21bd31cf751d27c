package com.custarea.routes.email;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.schemas.PayloadJson;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Plays Amazon SNS in tests: an RSA key with a self-signed certificate (serve {@link #certificatePem()} where the
 * messages' SigningCertURL points), and SNS messages signed with it exactly as SNS signs them, as JSON bodies.
 *
 * <pre>{@code
 * SnsTestSigner sns = new SnsTestSigner();
 * fake.stubFor(get("/cert.pem").willReturn(ok(sns.certificatePem())));
 * String body = sns.notification(topicArn, null, sesNotificationJson, fake.baseUrl() + "/cert.pem");
 * }</pre>
 */
public final class SnsTestSigner {

    /** SNS writes its timestamps always with milliseconds: {@code 2012-04-26T20:45:04.751Z}. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final KeyPair keys;
    private final X509Certificate certificate;

    /** A signer whose certificate is valid from yesterday for a year. */
    public SnsTestSigner() {
        this(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)));
    }

    /** A signer whose certificate is valid from {@code notBefore} to {@code notAfter} (for an expired one, say). */
    public SnsTestSigner(Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=sns.test.amazonaws.com");
            this.certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter), name,
                    keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot create the test SNS certificate", e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate as SNS serves it at a SigningCertURL: PEM text. */
    public String certificatePem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Notification on {@code topicArn} (with {@code subject} unless null), signed with SignatureVersion 2. */
    public String notification(String topicArn, String subject, String message, String certificateUrl) {
        return signedJson(notificationFields(topicArn, subject, message), "2", certificateUrl);
    }

    /** A SubscriptionConfirmation for {@code topicArn} whose confirming address is {@code subscribeUrl}, version 2. */
    public String subscriptionConfirmation(String topicArn, String subscribeUrl, String certificateUrl) {
        return signedJson(confirmationFields(SnsMessage.SUBSCRIPTION_CONFIRMATION, topicArn, subscribeUrl), "2",
                certificateUrl);
    }

    /** A Notification's unsigned fields as SNS sends them: Type, MessageId, TopicArn, Subject?, Message, Timestamp. */
    public static Map<String, String> notificationFields(String topicArn, String subject, String message) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", SnsMessage.NOTIFICATION);
        fields.put("MessageId", UUID.randomUUID().toString());
        fields.put("TopicArn", topicArn);
        if (subject != null) {
            fields.put("Subject", subject);
        }
        fields.put("Message", message);
        fields.put("Timestamp", timestamp());
        fields.put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                + topicArn + ":" + UUID.randomUUID());
        return fields;
    }

    /** A SubscriptionConfirmation's or UnsubscribeConfirmation's unsigned fields as SNS sends them. */
    public static Map<String, String> confirmationFields(String type, String topicArn, String subscribeUrl) {
        String token = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", type);
        fields.put("MessageId", UUID.randomUUID().toString());
        fields.put("Token", token);
        fields.put("TopicArn", topicArn);
        fields.put("Message", "You have chosen to subscribe to the topic " + topicArn
                + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
        fields.put("SubscribeURL", subscribeUrl);
        fields.put("Timestamp", timestamp());
        return fields;
    }

    /**
     * {@code fields} with SignatureVersion, Signature and SigningCertURL added, as a JSON body. The signature covers
     * the string SNS signs for the fields' Type; version {@code "1"} signs with SHA1withRSA, any other with
     * SHA256withRSA (so an unsupported version still carries a well-formed signature).
     */
    public String signedJson(Map<String, String> fields, String signatureVersion, String certificateUrl) {
        Map<String, String> message = new LinkedHashMap<>(fields);
        message.put("SignatureVersion", signatureVersion);
        message.put("Signature", sign(stringToSign(fields), signatureVersion));
        message.put("SigningCertURL", certificateUrl);
        return PayloadJson.write(message);
    }

    /** Signs {@code text} as SNS does for {@code signatureVersion}, in Base64. */
    public String sign(String text, String signatureVersion) {
        try {
            Signature signature = Signature.getInstance("1".equals(signatureVersion) ? "SHA1withRSA" : "SHA256withRSA");
            signature.initSign(keys.getPrivate());
            signature.update(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The string SNS signs, written here from AWS's documentation rather than shared with the verifier, so a
     * mistake in one is caught by the other.
     */
    private static String stringToSign(Map<String, String> fields) {
        List<String> names = SnsMessage.NOTIFICATION.equals(fields.get("Type"))
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            String value = fields.get(name);
            if (value != null) {
                text.append(name).append('\n').append(value).append('\n');
            }
        }
        return text.toString();
    }

    private static String timestamp() {
        return TIMESTAMP.format(Instant.now());
    }
}
