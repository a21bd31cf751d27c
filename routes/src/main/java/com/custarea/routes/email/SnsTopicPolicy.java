package com.custarea.routes.email;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The SNS topics whose messages we take: a message signed by SNS for anyone else's topic is refused, since any AWS
 * account can get SNS to sign a message to us. With no topic configured, inbound SES mail is off.
 */
@Component
public class SnsTopicPolicy {

    private final Set<String> topicArns;

    /** @param topicArns the accepted topic ARNs, comma-separated (blank: none) */
    public SnsTopicPolicy(@Value("${custarea.email.ses.topic-arns:}") String topicArns) {
        this.topicArns = topicArns == null ? Set.of() : Arrays.stream(topicArns.split(","))
                .map(String::trim).filter(arn -> !arn.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether {@code topicArn} is one of the configured topics, compared exactly (ARNs are case-sensitive). */
    public boolean accepts(String topicArn) {
        return topicArn != null && topicArns.contains(topicArn);
    }

    /** Whether any topic is configured, that is whether inbound SES mail is on. */
    public boolean enabled() {
        return !topicArns.isEmpty();
    }

    public Set<String> topicArns() {
        return topicArns;
    }
}
