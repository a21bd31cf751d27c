package com.custarea.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.SignedApiClient;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.tenants.TenantRepository;
import com.custarea.schemas.Channel;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With tracing on, spans are exported over OTLP, here to a fake collector: the webhook's request among them. (Camel
 * route spans across the Kafka hops were not seen exported; see the README.)
 */
class TracingIT {

    @Test
    void aWebhookRequestIsExportedAsASpanToTheCollector() {
        WireMockServer collector = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .dynamicPort());
        collector.start();
        collector.stubFor(post(urlPathEqualTo("/v1/traces")).willReturn(aResponse().withStatus(200)));
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(CustAreaApplication.class).run(
                "--custarea.data-dir=target/tracing-it-data", "--server.port=0", "--custarea.demo.enabled=false",
                "--custarea.embedded.postgres.synchronous-commit=false", "--camel.main.name=custarea-tracing-it",
                "--camel.main.shutdown-timeout=5", "--management.tracing.enabled=true",
                "--camel.observation.enabled=true", "--management.tracing.sampling.probability=1.0",
                "--management.otlp.tracing.endpoint=" + collector.baseUrl() + "/v1/traces")) {
            UUID tenantId = app.getBean(TenantRepository.class).create("Traced");
            String secret = "tracing-secret-" + UUID.randomUUID();
            UUID channelId = app.getBean(ChannelRegistry.class).create(tenantId, Channel.API, "API", Map.of(), secret,
                    true).id();
            SignedApiClient client = new SignedApiClient(app.getEnvironment().getRequiredProperty("local.server.port",
                    Integer.class));
            assertThat(client.postMessage(channelId, secret,
                    "{\"messageId\":\"traced\",\"sender\":{\"id\":\"tracer\"},\"text\":\"follow me\"}").statusCode())
                    .isEqualTo(202);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                String exported = collector.getAllServeEvents().stream()
                        .map(event -> new String(event.getRequest().getBody(), StandardCharsets.ISO_8859_1))
                        .reduce("", String::concat);
                // the webhook's request span, under the route's path template, with its outcome
                assertThat(exported).contains("custarea-integration-app", "/api/channels/api/{channelId}/messages");
            });
        } finally {
            collector.stop();
        }
    }
}
