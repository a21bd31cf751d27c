package com.custarea.routes.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderCallErrorHandlingTest {

    @ParameterizedTest
    @CsvSource({"408,true", "429,true", "500,true", "503,true", "400,false", "401,false", "404,false", "422,false"})
    void httpStatusDecidesWhetherToRetry(int status, boolean retryable) {
        assertThat(ProviderCallErrorHandling.isRetryable(httpFailure(status, Map.of()))).isEqualTo(retryable);
    }

    @Test
    void connectionFailuresAreRetriedButPermanentFailuresAreNot() {
        assertThat(ProviderCallErrorHandling.isRetryable(new ConnectException("refused"))).isTrue();
        assertThat(ProviderCallErrorHandling.isRetryable(new IOException("reset"))).isTrue();
        assertThat(ProviderCallErrorHandling.isRetryable(new PermanentFailure("21211", "invalid To"))).isFalse();
        assertThat(ProviderCallErrorHandling.isRetryable(new IllegalArgumentException("bug"))).isFalse();
    }

    @Test
    void retryAfterIsReadInSecondsOrAsAnHttpDate() {
        assertThat(ProviderCallErrorHandling.retryAfter(httpFailure(429, Map.of("Retry-After", "7"))))
                .contains(Duration.ofSeconds(7));
        String inAMinute = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60)
                .format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(ProviderCallErrorHandling.retryAfter(httpFailure(503, Map.of("retry-after", inAMinute))))
                .hasValueSatisfying(after -> assertThat(after).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60)));
        assertThat(ProviderCallErrorHandling.retryAfter(httpFailure(503, Map.of("Retry-After", "soon")))).isEmpty();
        assertThat(ProviderCallErrorHandling.retryAfter(new TransientFailure("busy", Duration.ofSeconds(3))))
                .contains(Duration.ofSeconds(3));
        assertThat(ProviderCallErrorHandling.retryAfter(httpFailure(500, Map.of()))).isEmpty();
    }

    private static HttpOperationFailedException httpFailure(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("http://provider", status, "status " + status, null, headers, "");
    }
}
