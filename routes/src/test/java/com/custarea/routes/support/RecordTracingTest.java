package com.custarea.routes.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.custarea.schemas.AiRequest;
import com.custarea.schemas.Channel;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecordTracingTest {

    private final List<SpanData> exported = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new CollectingExporter())).build();
    private final OtelTracer tracer = new OtelTracer(provider.get("test"), new OtelCurrentTraceContext(),
            event -> { });
    private final RecordTracing tracing = new RecordTracing(tracer, new OtelPropagator(
            ContextPropagators.create(W3CTraceContextPropagator.getInstance()), provider.get("test")));
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void aStageContinuesTheRecordsTraceAndHandsItToWhatItPublishesAndToItsProviderCalls() {
        String upstreamTrace = "0af7651916cd43dd8448eb211c80319c";
        DefaultMessage consumed = new DefaultMessage(camel);
        consumed.setHeader("traceparent", ("00-" + upstreamTrace + "-b7ad6b7169203331-01").getBytes());
        AiRequest payload = request("corr-1");

        List<OutgoingRecord> published;
        try (RecordTracing.BatchSpans spans = tracing.startBatch("ai")) {
            spans.record(consumed, payload, "ai.requests", 0, 7);
            tracing.inSpan("send api", payload.eventId(), () -> "sent");
            published = spans.propagate(List.of(new OutgoingRecord("outbound.api", "k", "{}", Map.of(
                    CustAreaHeaders.CORRELATION_ID, "corr-1")), new OutgoingRecord("other", "k", "{}", Map.of(
                    CustAreaHeaders.CORRELATION_ID, "corr-unrelated"))));
        }

        assertThat(exported).extracting(SpanData::getName).containsExactlyInAnyOrder("ai", "send api");
        assertThat(exported).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(upstreamTrace));
        SpanData stage = exported.stream().filter(span -> span.getName().equals("ai")).findFirst().orElseThrow();
        SpanData send = exported.stream().filter(span -> span.getName().equals("send api")).findFirst().orElseThrow();
        assertThat(send.getParentSpanId()).isEqualTo(stage.getSpanId());
        assertThat(published.get(0).headers().get("traceparent")).contains(upstreamTrace + "-" + stage.getSpanId());
        assertThat(published.get(1).headers()).doesNotContainKey("traceparent");
    }

    @Test
    void anotherStageWithTheSameCorrelationIdDoesNotTakeAProviderCallsParentAway() {
        AiRequest outbound = request("corr-2");
        AiRequest event = request("corr-2");
        RecordTracing.BatchSpans outboundBatch = tracing.startBatch("outbound-api");
        outboundBatch.record(new DefaultMessage(camel), outbound, "outbound.api", 0, 1);
        // a stage consuming the same interaction's event starts and finishes while the send is pending
        try (RecordTracing.BatchSpans eventBatch = tracing.startBatch("webhooks")) {
            eventBatch.record(new DefaultMessage(camel), event, "conversation.events", 0, 1);
        }
        CompletableFuture.supplyAsync(() -> tracing.inSpan("send api", outbound.eventId(), () -> "sent")).join();
        outboundBatch.close();

        SpanData stage = exported.stream().filter(span -> span.getName().equals("outbound-api")).findFirst()
                .orElseThrow();
        SpanData send = exported.stream().filter(span -> span.getName().equals("send api")).findFirst().orElseThrow();
        assertThat(send.getParentSpanId()).isEqualTo(stage.getSpanId());
    }

    @Test
    void disabledTracingTouchesNothing() {
        DefaultMessage consumed = new DefaultMessage(camel);
        List<OutgoingRecord> output = List.of(new OutgoingRecord("t", "k", "{}", Map.of(
                CustAreaHeaders.CORRELATION_ID, "corr-3")));
        try (RecordTracing.BatchSpans spans = RecordTracing.disabled().startBatch("ai")) {
            spans.record(consumed, request("corr-3"), "ai.requests", 0, 1);
            assertThat(spans.propagate(output)).isSameAs(output);
        }
        assertThat(RecordTracing.disabled().currentHeaders()).isEmpty();
    }

    private static AiRequest request(String correlationId) {
        return new AiRequest(UUID.randomUUID(), UUID.randomUUID(), Instant.now(), AiRequest.SCHEMA_VERSION,
                correlationId, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), Channel.API,
                UUID.randomUUID(), "hello");
    }

    private final class CollectingExporter implements SpanExporter {

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
