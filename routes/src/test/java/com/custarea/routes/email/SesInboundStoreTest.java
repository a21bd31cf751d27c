package com.custarea.routes.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The AWS SDK's S3 client reading stored mail from a local fake of S3, path-style. */
class SesInboundStoreTest {

    private static final String BUCKET = "acme-inbound-mail";
    private static final String KEY = "incoming/k2f8r1v0q7m3t9c4b6n5x0z1a8s7d2g3h4j5l6p0";
    private static final int LIMIT = 1024;

    private final WireMockServer s3 = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
            .dynamicPort());
    private SesInboundStore store;

    @BeforeEach
    void start() {
        s3.start();
        store = new SesInboundStore("eu-west-1", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "http://localhost:" + s3.port(), LIMIT);
    }

    @AfterEach
    void stop() {
        store.close();
        s3.stop();
    }

    @Test
    void theStoredMailIsReadWithSignedRequestsToTheBucketsPath() {
        byte[] mime = ("From: Tom Reyes <tom.reyes@example.com>\r\nSubject: Contract\r\n\r\nSee attached.\r\n")
                .getBytes(StandardCharsets.UTF_8);
        s3.stubFor(get(urlPathEqualTo("/" + BUCKET + "/" + KEY)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/octet-stream").withBody(mime)));

        byte[] read = store.read(BUCKET, KEY);

        assertThat(read).isEqualTo(mime);
        s3.verify(1, getRequestedFor(urlPathEqualTo("/" + BUCKET + "/" + KEY))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-west-1/s3/"
                        + "aws4_request, .*")));
    }

    @Test
    void aMailOfExactlyTheLimitIsRead() {
        byte[] mime = new byte[LIMIT];
        Arrays.fill(mime, (byte) 'a');
        s3.stubFor(get(urlPathEqualTo("/" + BUCKET + "/" + KEY)).willReturn(aResponse().withBody(mime)));

        assertThat(store.read(BUCKET, KEY)).hasSize(LIMIT);
    }

    @Test
    void aMailOverTheLimitIsRefused() {
        byte[] mime = new byte[LIMIT + 1];
        Arrays.fill(mime, (byte) 'a');
        s3.stubFor(get(urlPathEqualTo("/" + BUCKET + "/" + KEY)).willReturn(aResponse().withBody(mime)));

        assertThatThrownBy(() -> store.read(BUCKET, KEY))
                .isInstanceOf(SesInboundStore.MailObjectTooLargeException.class)
                .hasMessage("The stored mail at s3://" + BUCKET + "/" + KEY + " is larger than " + LIMIT + " bytes");
    }

    @Test
    void aMailOverTheLimitIsRefusedWhileReadingWhenItsLengthIsNotAnnounced() {
        byte[] mime = new byte[4 * LIMIT];
        Arrays.fill(mime, (byte) 'a');
        // sent in chunks, without Content-Length: only counting the bytes read can tell
        s3.stubFor(get(urlPathEqualTo("/" + BUCKET + "/" + KEY)).willReturn(aResponse().withBody(mime)
                .withChunkedDribbleDelay(8, 40)));

        assertThatThrownBy(() -> store.read(BUCKET, KEY))
                .isInstanceOf(SesInboundStore.MailObjectTooLargeException.class);
        assertThat(s3.getAllServeEvents().get(0).getResponse().getHeaders().getHeader("Content-Length").isPresent())
                .isFalse();
    }

    @Test
    void aMissingObjectIsAClearError() {
        s3.stubFor(get(urlPathEqualTo("/" + BUCKET + "/" + KEY)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/xml").withBody("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>\
                        <Key>%s</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>""".formatted(KEY))));

        assertThatThrownBy(() -> store.read(BUCKET, KEY))
                .isInstanceOf(SesInboundStore.MailObjectMissingException.class)
                .hasMessage("No stored mail at s3://" + BUCKET + "/" + KEY);
    }

    @Test
    void aMissingBucketOrKeyIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> store.read(" ", KEY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read(BUCKET, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s3.getAllServeEvents()).isEmpty();
    }
}
