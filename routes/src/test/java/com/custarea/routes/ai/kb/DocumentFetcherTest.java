package com.custarea.routes.ai.kb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.custarea.routes.support.PermanentFailure;
import com.custarea.routes.support.TransientFailure;
import com.custarea.routes.webhooks.WebhookUrlPolicy;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DocumentFetcherTest {

    private WireMockServer site;
    private DocumentFetcher fetcher;

    @BeforeEach
    void start() {
        site = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        site.start();
        // "localhost" is allowed by name, as an administrator would allow an intranet host; 127.0.0.1 is not
        fetcher = new DocumentFetcher(new WebhookUrlPolicy(false, List.of("localhost")), 1024,
                Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() throws Exception {
        fetcher.stop();
        site.stop();
    }

    @Test
    void aDocumentComesWithItsContentTypeThroughAnAllowedRedirect() {
        site.stubFor(get(urlPathEqualTo("/old")).willReturn(aResponse().withStatus(301)
                .withHeader("Location", "/faq")));
        site.stubFor(get(urlPathEqualTo("/faq")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8").withBody("Refunds take five days.")));

        DocumentFetcher.Fetched fetched = fetcher.fetch(url("localhost", "/old"));

        assertThat(new String(fetched.bytes(), StandardCharsets.UTF_8)).isEqualTo("Refunds take five days.");
        assertThat(fetched.contentType()).startsWith("text/plain");
    }

    @Test
    void aRedirectToAnAddressThePolicyRefusesIsNeverFollowed() {
        // only the connection checks the redirect's host: nothing looked at it before
        site.stubFor(get(urlPathEqualTo("/doc")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", url("127.0.0.1", "/internal"))));
        site.stubFor(get(urlPathEqualTo("/internal")).willReturn(aResponse().withStatus(200).withBody("secret")));

        PermanentFailure refused = catchThrowableOfType(() -> fetcher.fetch(url("localhost", "/doc")),
                PermanentFailure.class);

        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo("url-refused");
        assertThat(refused.getMessage()).contains("127.0.0.1");
        site.verify(0, getRequestedFor(urlPathEqualTo("/internal")));
    }

    @Test
    void aRefusedUrlTooLargeFileOrClientErrorFailsTheDocumentAndAServerErrorIsRetried() {
        assertThat(catchThrowableOfType(() -> fetcher.fetch(url("127.0.0.1", "/faq")), PermanentFailure.class)
                .code()).isEqualTo("url-refused");
        site.verify(0, getRequestedFor(urlPathEqualTo("/faq")));

        site.stubFor(get(urlPathEqualTo("/big")).willReturn(aResponse().withStatus(200).withBody("x".repeat(2048))));
        site.stubFor(get(urlPathEqualTo("/chunked-big")).willReturn(aResponse().withStatus(200)
                .withChunkedDribbleDelay(4, 10).withBody("x".repeat(2048))));
        site.stubFor(get(urlPathEqualTo("/gone")).willReturn(aResponse().withStatus(404)));
        site.stubFor(get(urlPathEqualTo("/down")).willReturn(aResponse().withStatus(503)));
        assertThat(catchThrowableOfType(() -> fetcher.fetch(url("localhost", "/big")), PermanentFailure.class)
                .code()).isEqualTo("too-large");
        assertThat(catchThrowableOfType(() -> fetcher.fetch(url("localhost", "/chunked-big")),
                PermanentFailure.class).code()).isEqualTo("too-large");
        assertThat(catchThrowableOfType(() -> fetcher.fetch(url("localhost", "/gone")), PermanentFailure.class)
                .code()).isEqualTo("fetch-refused");
        assertThat(catchThrowableOfType(() -> fetcher.fetch(url("localhost", "/down")), TransientFailure.class))
                .hasMessageContaining("503");
    }

    private String url(String host, String path) {
        return "http://" + host + ":" + site.port() + path;
    }
}
