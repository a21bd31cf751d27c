package com.custarea.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.custarea.app.support.OtlpSpans;
import com.custarea.app.support.SignedApiClient;
import com.custarea.routes.ai.AiReplyRoute;
import com.custarea.routes.api.ApiCallbackRequestBuilder;
import com.custarea.routes.api.ApiChannelOutboundRoute;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.conversations.IngestRoute;
import com.custarea.routes.tenants.TenantRepository;
import com.custarea.schemas.Channel;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With tracing on, one customer interaction is one trace, exported over OTLP (here to a fake collector): the
 * webhook's request, a span per stage across the Kafka hops (ingest, AI, outbound), the provider call, and the
 * callback to the tenant's system carries the same trace id in its {@code traceparent}.
 */
class TracingIT {

    @Test
    void aMessageIsOneTraceFromTheWebhookThroughEveryTopicToTheCallback() {
        WireMockServer collector = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .dynamicPort());
        WireMockServer tenantSystem = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .dynamicPort());
        collector.start();
        tenantSystem.start();
        collector.stubFor(post(urlPathEqualTo("/v1/traces")).willReturn(aResponse().withStatus(200)));
        tenantSystem.stubFor(post(urlPathEqualTo("/callback")).willReturn(aResponse().withStatus(200)));
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(CustAreaApplication.class).run(
                "--custarea.data-dir=target/tracing-it-data", "--server.port=0", "--custarea.demo.enabled=false",
                "--custarea.ai.engine=echo",
                "--custarea.embedded.postgres.synchronous-commit=false", "--camel.main.name=custarea-tracing-it",
                "--camel.main.shutdown-timeout=5", "--management.tracing.enabled=true",
                "--management.tracing.sampling.probability=1.0",
                "--management.otlp.tracing.endpoint=" + collector.baseUrl() + "/v1/traces")) {
            UUID tenantId = app.getBean(TenantRepository.class).create("Traced");
            String secret = "tracing-secret-" + UUID.randomUUID();
            UUID channelId = app.getBean(ChannelRegistry.class).create(tenantId, Channel.API, "API", Map.of(
                    ApiCallbackRequestBuilder.CALLBACK_URL_SETTING, tenantSystem.baseUrl() + "/callback"), secret,
                    true).id();
            SignedApiClient client = new SignedApiClient(app.getEnvironment().getRequiredProperty("local.server.port",
                    Integer.class));
            assertThat(client.postMessage(channelId, secret,
                    "{\"messageId\":\"traced\",\"sender\":{\"id\":\"tracer\"},\"text\":\"follow me\"}").statusCode())
                    .isEqualTo(202);

            LoggedRequest callback = await().atMost(Duration.ofSeconds(60)).until(() -> tenantSystem.findAll(
                    postRequestedFor(urlPathEqualTo("/callback"))), requests -> !requests.isEmpty()).get(0);
            String traceparent = callback.getHeader("traceparent");
            assertThat(traceparent).as("the callback continues the trace").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            String traceId = traceparent.split("-")[1];

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<OtlpSpans.ExportedSpan> trace = collector.getAllServeEvents().stream()
                        .flatMap(event -> OtlpSpans.read(event.getRequest().getBody()).stream())
                        .filter(span -> span.traceId().equals(traceId)).toList();
                Set<String> names = trace.stream().map(OtlpSpans.ExportedSpan::name).collect(Collectors.toSet());
                assertThat(names).contains(IngestRoute.ROUTE_ID, AiReplyRoute.ROUTE_ID, ApiChannelOutboundRoute.ROUTE_ID,
                        "send api");
                assertThat(names).as("the webhook's request span heads the trace")
                        .anyMatch(name -> name.contains("/api/channels/api/{channelId}/messages"));
                Set<String> spanIds = trace.stream().map(OtlpSpans.ExportedSpan::spanId).collect(Collectors.toSet());
                assertThat(trace).as("one tree: only the webhook's span has no parent in the trace")
                        .filteredOn(span -> !spanIds.contains(span.parentSpanId())).hasSize(1);
            });
        } finally {
            collector.stop();
            tenantSystem.stop();
        }
    }
}
