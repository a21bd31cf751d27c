package com.custarea.routes.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;

import org.junit.jupiter.api.Test;

/** Only SNS's own hosts, over https, may be fetched from: every look-alike is refused. */
class SnsUrlPolicyTest {

    private final SnsUrlPolicy defaults = new SnsUrlPolicy("", true);

    @Test
    void snsCertificateAndConfirmationAddressesInEveryPartitionAreAllowed() {
        String certificate = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-"
                + "9c6465fa7f48f5cacd23014631ec1136.pem";
        String china = "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-3250158c6b8b4.pem";
        String confirm = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"
                + "&TopicArn=arn:aws:sns:eu-west-1:123456789012:custarea-inbound&Token=2336412f37fb687f5d51e6e2";

        assertThat(defaults.allowsCertificate(certificate)).isTrue();
        assertThat(defaults.allowsCertificate(china)).isTrue();
        assertThat(defaults.allowsCertificate("https://SNS.US-EAST-1.AMAZONAWS.COM/cert.pem")).isTrue();
        assertThat(defaults.allows(confirm)).isTrue();
        assertThat(defaults.allowsCertificate(confirm)).as("a confirmation address is no certificate").isFalse();
    }

    @Test
    void plainHttpIsRefusedWhileHttpsIsRequired() {
        assertThat(defaults.allows("http://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem")).isFalse();
        assertThat(defaults.allows("ftp://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem")).isFalse();
    }

    @Test
    void hostsThatOnlyLookLikeSnsAreRefused() {
        assertThat(defaults.allows("https://sns.us-east-1.amazonaws.com.evil.test/cert.pem")).isFalse();
        assertThat(defaults.allows("https://evil.test/sns.us-east-1.amazonaws.com/cert.pem")).isFalse();
        assertThat(defaults.allows("https://evil.test/?sns.us-east-1.amazonaws.com")).isFalse();
        assertThat(defaults.allows("https://evil.test#sns.us-east-1.amazonaws.com")).isFalse();
        assertThat(defaults.allows("https://evilsns.us-east-1.amazonaws.com/cert.pem")).isFalse();
        assertThat(defaults.allows("https://sns.us-east-1.amazonaws.com.cn.evil.test/cert.pem")).isFalse();
        assertThat(defaults.allows("https://sns.us-east-1.amazonawsXcom/cert.pem")).isFalse();
        assertThat(defaults.allows("https://sns.us-east-1.amazonaws.com%2eevil.test/cert.pem")).isFalse();
        assertThat(defaults.allows("https://sns.us_east_1.amazonaws.com/cert.pem")).isFalse();
    }

    @Test
    void userInfoIsRefusedWhereverTheSnsHostAppears() {
        assertThat(defaults.allows("https://sns.us-east-1.amazonaws.com@evil.test/cert.pem")).isFalse();
        assertThat(defaults.allows("https://user:pass@sns.us-east-1.amazonaws.com/cert.pem")).isFalse();
        assertThat(defaults.allows("https://evil.test\\@sns.us-east-1.amazonaws.com/cert.pem")).isFalse();
        assertThat(defaults.allows("https://evil.test#@sns.us-east-1.amazonaws.com/cert.pem")).isFalse();
    }

    @Test
    void whatIsNoAbsoluteAddressIsRefused() {
        assertThat(defaults.allows(null)).isFalse();
        assertThat(defaults.allows("")).isFalse();
        assertThat(defaults.allows("not an address")).isFalse();
        assertThat(defaults.allows("//sns.us-east-1.amazonaws.com/cert.pem")).isFalse();
        assertThat(defaults.allows("/SimpleNotificationService-1.pem")).isFalse();
        assertThat(defaults.allows("mailto:sns.us-east-1.amazonaws.com")).isFalse();
    }

    @Test
    void aCertificateMustBeAPemFile() {
        assertThat(defaults.allowsCertificate("https://sns.us-east-1.amazonaws.com/cert.pem.txt")).isFalse();
        assertThat(defaults.allowsCertificate("https://sns.us-east-1.amazonaws.com/?file=cert.pem")).isFalse();
        assertThat(defaults.allowsCertificate("https://sns.us-east-1.amazonaws.com/")).isFalse();
    }

    @Test
    void aLocalFakeCanBeAllowedWithHttp() {
        SnsUrlPolicy local = new SnsUrlPolicy("localhost", false);

        assertThat(local.allowsCertificate("http://localhost:8089/SimpleNotificationService-test.pem")).isTrue();
        assertThat(local.allows("https://localhost:8089/confirm?Token=1")).isTrue();
        assertThat(local.allows("http://127.0.0.1:8089/cert.pem")).isFalse();
        assertThat(local.allows("http://sns.us-east-1.amazonaws.com/cert.pem")).isFalse();
    }

    @Test
    void aHostPatternThatIsNoRegularExpressionStopsTheStart() {
        assertThatThrownBy(() -> new SnsUrlPolicy("sns.(", true)).isInstanceOf(PatternSyntaxException.class);
    }
}
