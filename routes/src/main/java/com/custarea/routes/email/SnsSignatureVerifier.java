package com.custarea.routes.email;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Verifies that SNS signed a message, as AWS documents it: the string to sign built from the message's fields, the
 * signature checked with the public key of the certificate at SigningCertURL, fetched only from an SNS host.
 */
@Component
public class SnsSignatureVerifier {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** SNS's certificates are a few kilobytes; anything much larger is not one. */
    private static final int MAX_CERTIFICATE_BYTES = 64 * 1024;
    private static final int MAX_CACHED_CERTIFICATES = 100;

    private final SnsUrlPolicy policy;
    private final HttpClient http;
    /** SNS signs with few certificates, rotated rarely: fetching each once an hour spares a request per message. */
    private final Cache<String, X509Certificate> certificates;

    @Autowired
    public SnsSignatureVerifier(SnsUrlPolicy policy,
                                @Value("${custarea.email.ses.sns-certificate-cache:1h}") Duration certificateCacheTtl) {
        this(policy, certificateCacheTtl, HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    SnsSignatureVerifier(SnsUrlPolicy policy, Duration certificateCacheTtl, HttpClient http) {
        this.policy = policy;
        this.http = http;
        this.certificates = Caffeine.newBuilder().maximumSize(MAX_CACHED_CERTIFICATES)
                .expireAfterWrite(certificateCacheTtl).build();
    }

    /**
     * Returns when SNS signed {@code message}; otherwise throws {@link InvalidSnsMessageException}: an unsupported
     * SignatureVersion, a SigningCertURL off SNS's hosts (never fetched), a certificate that is missing, unreadable
     * or out of its validity period, or a signature that does not match. A certificate that cannot be fetched for
     * now (network error, timeout, SNS answering 5xx) throws {@link UncheckedIOException} instead, so the caller
     * can answer with a 5xx and let SNS retry.
     */
    public void verify(SnsMessage message) {
        String algorithm = algorithm(message.signatureVersion());
        String certificateUrl = message.signingCertUrl();
        if (!policy.allowsCertificate(certificateUrl)) {
            throw new InvalidSnsMessageException("SigningCertURL " + certificateUrl + " is not an SNS certificate");
        }
        X509Certificate certificate = certificates.get(certificateUrl, this::fetch);
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new InvalidSnsMessageException("The SNS certificate at " + certificateUrl
                    + " is expired or not yet valid", e);
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(message.signature());
        } catch (IllegalArgumentException e) {
            throw new InvalidSnsMessageException("The SNS Signature is not Base64", e);
        }
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate);
            verifier.update(stringToSign(message).getBytes(StandardCharsets.UTF_8));
            valid = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new InvalidSnsMessageException("The SNS signature cannot be checked: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new InvalidSnsMessageException("The SNS signature does not match message " + message.messageId());
        }
    }

    /**
     * The string SNS signs: {@code name\nvalue\n} for each signed field in AWS's order. Notifications: Message,
     * MessageId, Subject (only when present), Timestamp, TopicArn, Type. Confirmations: Message, MessageId,
     * SubscribeURL, Timestamp, Token, TopicArn, Type.
     */
    static String stringToSign(SnsMessage message) {
        StringBuilder text = new StringBuilder();
        append(text, SnsMessage.MESSAGE, message.message());
        append(text, SnsMessage.MESSAGE_ID, message.messageId());
        if (message.isNotification()) {
            if (message.subject() != null) {
                append(text, SnsMessage.SUBJECT, message.subject());
            }
            append(text, SnsMessage.TIMESTAMP, message.timestamp());
        } else {
            append(text, SnsMessage.SUBSCRIBE_URL, message.subscribeUrl());
            append(text, SnsMessage.TIMESTAMP, message.timestamp());
            append(text, SnsMessage.TOKEN, message.token());
        }
        append(text, SnsMessage.TOPIC_ARN, message.topicArn());
        append(text, SnsMessage.TYPE, message.type());
        return text.toString();
    }

    private static void append(StringBuilder text, String name, String value) {
        text.append(name).append('\n').append(value).append('\n');
    }

    private static String algorithm(String signatureVersion) {
        if ("1".equals(signatureVersion)) {
            return "SHA1withRSA";
        }
        if ("2".equals(signatureVersion)) {
            return "SHA256withRSA";
        }
        throw new InvalidSnsMessageException("SNS SignatureVersion " + signatureVersion + " is not supported");
    }

    private X509Certificate fetch(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build();
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_CERTIFICATE_BYTES + 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The SNS certificate at " + url + " cannot be fetched", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException("Interrupted while fetching the SNS certificate at " + url,
                    new IOException(e));
        }
        if (response.statusCode() >= 500) {
            throw new UncheckedIOException(new IOException("Fetching the SNS certificate at " + url + " answered "
                    + response.statusCode()));
        }
        if (response.statusCode() != 200) {
            throw new InvalidSnsMessageException("Fetching the SNS certificate at " + url + " answered "
                    + response.statusCode());
        }
        if (body.length > MAX_CERTIFICATE_BYTES) {
            throw new InvalidSnsMessageException("The document at " + url + " is too large to be a certificate");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(body));
        } catch (CertificateException | ClassCastException e) {
            throw new InvalidSnsMessageException("The document at " + url + " is not an X.509 certificate", e);
        }
    }
}
