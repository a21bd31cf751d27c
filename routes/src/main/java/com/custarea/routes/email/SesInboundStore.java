package com.custarea.routes.email;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads the raw mails an SES receipt rule's S3 action stored (mail over SNS's 150 KB limit goes there), through the
 * AWS SDK's S3 client, refusing any larger than our mail size limit.
 */
@Component
public class SesInboundStore implements AutoCloseable {

    private static final int NOT_FOUND = 404;

    private final String region;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String endpointOverride;
    private final int maxMessageBytes;
    /** Built on first use, so that a machine without AWS settings starts, and fails only if asked to read. */
    private S3Client client;

    /**
     * @param accessKeyId      with {@code secretAccessKey}, static credentials; both blank: the SDK's default chain
     *                         (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, instance role…)
     * @param endpointOverride another S3 endpoint (tests: a local fake), addressed path-style; blank: AWS
     */
    public SesInboundStore(@Value("${custarea.email.ses.region:${AWS_REGION:us-east-1}}") String region,
                           @Value("${custarea.email.ses.access-key-id:}") String accessKeyId,
                           @Value("${custarea.email.ses.secret-access-key:}") String secretAccessKey,
                           @Value("${custarea.email.ses.endpoint-override:}") String endpointOverride,
                           @Value("${custarea.email.max-message-bytes:26214400}") int maxMessageBytes) {
        if (maxMessageBytes <= 0 || maxMessageBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("custarea.email.max-message-bytes must be between 1 and "
                    + (Integer.MAX_VALUE - 1) + ", not " + maxMessageBytes);
        }
        this.region = region;
        this.accessKeyId = accessKeyId == null ? "" : accessKeyId.trim();
        this.secretAccessKey = secretAccessKey == null ? "" : secretAccessKey.trim();
        this.endpointOverride = endpointOverride == null ? "" : endpointOverride.trim();
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * The bytes of the object {@code key} in {@code bucket}. Throws {@link MailObjectMissingException} when S3 has
     * no such object (or bucket), {@link MailObjectTooLargeException} when it is over the size limit (the read stops
     * there); other S3 and network failures come through as the SDK's exceptions, worth a retry.
     */
    public byte[] read(String bucket, String key) {
        if (bucket == null || bucket.isBlank() || key == null || key.isBlank()) {
            throw new IllegalArgumentException("A bucket and an object key are required");
        }
        GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).build();
        try (ResponseInputStream<GetObjectResponse> object = client().getObject(request)) {
            Long length = object.response().contentLength();
            if (length != null && length > maxMessageBytes) {
                object.abort();
                throw new MailObjectTooLargeException(bucket, key, maxMessageBytes);
            }
            // one byte past the limit tells an object of exactly the limit from a larger one
            byte[] bytes = object.readNBytes(maxMessageBytes + 1);
            if (bytes.length > maxMessageBytes) {
                object.abort();
                throw new MailObjectTooLargeException(bucket, key, maxMessageBytes);
            }
            return bytes;
        } catch (NoSuchKeyException e) {
            throw new MailObjectMissingException(bucket, key, e);
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                throw new MailObjectMissingException(bucket, key, e);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("Reading s3://" + bucket + "/" + key + " failed", e);
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private synchronized S3Client client() {
        if (client == null) {
            S3ClientBuilder builder = S3Client.builder().region(Region.of(region)).credentialsProvider(credentials());
            if (!endpointOverride.isEmpty()) {
                builder.endpointOverride(URI.create(endpointOverride)).forcePathStyle(true);
            }
            client = builder.build();
        }
        return client;
    }

    private AwsCredentialsProvider credentials() {
        return SesClients.credentials(accessKeyId, secretAccessKey);
    }

    /** S3 has no object (or no bucket) by that name. */
    public static class MailObjectMissingException extends RuntimeException {

        public MailObjectMissingException(String bucket, String key, Throwable cause) {
            super("No stored mail at s3://" + bucket + "/" + key, cause);
        }
    }

    /** The stored mail is larger than custarea.email.max-message-bytes. */
    public static class MailObjectTooLargeException extends RuntimeException {

        public MailObjectTooLargeException(String bucket, String key, int maxMessageBytes) {
            super("The stored mail at s3://" + bucket + "/" + key + " is larger than " + maxMessageBytes + " bytes");
        }
    }
}
