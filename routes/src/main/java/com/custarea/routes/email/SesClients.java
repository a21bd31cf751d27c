package com.custarea.routes.email;

import java.net.URI;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * The platform's SES client (the seed's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION; the AWS default
 * chain when the keys are blank), with an endpoint override for a local fake. Building it calls nothing, so a
 * machine without AWS settings starts; only a send to SES needs them.
 */
@Configuration(proxyBeanMethods = false)
public class SesClients {

    /** The bean name the aws2-ses endpoint refers to. */
    public static final String BEAN = "custareaSesClient";

    @Bean(name = BEAN, destroyMethod = "close")
    SesClient custareaSesClient(@Value("${custarea.email.ses.region:us-east-1}") String region,
                                @Value("${custarea.email.ses.access-key-id:}") String accessKeyId,
                                @Value("${custarea.email.ses.secret-access-key:}") String secretAccessKey,
                                @Value("${custarea.email.ses.endpoint-override:}") String endpointOverride) {
        // no retries in the SDK: a throttled or failed send is parked and tried again by the send settlement, which
        // waits as SES asks (retrying at once would only deepen the throttling)
        var builder = SesClient.builder().region(Region.of(region))
                .credentialsProvider(credentials(accessKeyId, secretAccessKey))
                .overrideConfiguration(configuration -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (!endpointOverride.isBlank()) {
            builder.endpointOverride(URI.create(endpointOverride));
        }
        return builder.build();
    }

    /** Static keys when both are set, else the AWS default chain (environment, profile, instance role). */
    static AwsCredentialsProvider credentials(String accessKeyId, String secretAccessKey) {
        if (!accessKeyId.isBlank() && !secretAccessKey.isBlank()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
