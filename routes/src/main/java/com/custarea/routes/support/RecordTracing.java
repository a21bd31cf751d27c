package com.custarea.routes.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.custarea.schemas.EventEnvelope;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Carries one trace per customer interaction across the Kafka hops: the webhook's span context goes into the
 * record's headers (W3C {@code traceparent}), every stage opens a span per record as its child and hands its
 * context to the records it publishes, and a provider call is a child span of the record it sends. With tracing
 * off the tracer is Micrometer's no-op and all of this costs a map lookup.
 */
@Component
public class RecordTracing {

    private final Tracer tracer;
    private final Propagator propagator;
    /**
     * The span of each record being processed, by the record's event id, so a provider call on any thread can join
     * it. Not by correlation id: the stages that consume one interaction's records run at the same time.
     */
    private final Map<UUID, Span> active = new ConcurrentHashMap<>();

    @Autowired
    public RecordTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    RecordTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** A tracer that does nothing, for code run outside the application (unit and fuzz tests). */
    public static RecordTracing disabled() {
        return new RecordTracing(Tracer.NOOP, Propagator.NOOP);
    }

    /**
     * Adds the webhook request's span context to {@code record}'s headers, for the next stage. Camel's platform-http
     * consumer processes on a thread of its own, where the request's span is not current, so it is also looked up on
     * the servlet request that Spring's observation filter marked.
     */
    public void stampCurrent(Message record) {
        Span span = tracer.currentSpan();
        if (span == null) {
            span = requestSpan(record);
        }
        if (span != null) {
            propagator.inject(span.context(), record, Message::setHeader);
        }
    }

    private static Span requestSpan(Message record) {
        if (record instanceof PlatformHttpMessage http && http.getRequest() != null) {
            return ServerHttpObservationFilter.findObservationContext(http.getRequest())
                    .map(context -> context.<TracingObservationHandler.TracingContext>get(
                            TracingObservationHandler.TracingContext.class))
                    .map(TracingObservationHandler.TracingContext::getSpan).orElse(null);
        }
        return null;
    }

    /** Starts the spans of a consumed batch; close it when the batch's output is published. */
    public BatchSpans startBatch(String stageName) {
        return new BatchSpans(stageName);
    }

    /**
     * Runs {@code call} in a span named {@code name}, a child of the span of the record {@code eventId} when it is
     * being processed; code in the call (the HTTP request builders) sees it as the current span.
     */
    public <T> T inSpan(String name, UUID eventId, Supplier<T> call) {
        Span parent = eventId == null ? null : active.get(eventId);
        Span span = (parent == null ? tracer.nextSpan() : tracer.nextSpan(parent)).name(name).start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return call.get();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** The headers that carry the current span's context, for a request to a provider or a tenant's system. */
    public Map<String, String> currentHeaders() {
        Span current = tracer.currentSpan();
        if (current == null) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        propagator.inject(current.context(), headers, Map::put);
        return headers;
    }

    /** The spans of the records of one batch, one per record, each the child of the context its record carried. */
    public final class BatchSpans implements AutoCloseable {

        private final String stageName;
        private final Map<String, Span> byCorrelation = new HashMap<>();
        private final Map<UUID, Span> byEvent = new HashMap<>();
        private final List<Span> spans = new ArrayList<>();

        private BatchSpans(String stageName) {
            this.stageName = stageName;
        }

        /** Opens the span of one consumed record, continuing the trace its headers carry. */
        public void record(Message consumed, EventEnvelope payload, String topic, int partition, long offset) {
            if (tracer == Tracer.NOOP) {
                return;
            }
            Span span = propagator.extract(consumed, RecordTracing::headerText).name(stageName)
                    .kind(Span.Kind.CONSUMER).tag("messaging.destination.name", topic == null ? "" : topic)
                    .tag("messaging.kafka.partition", Integer.toString(partition))
                    .tag("messaging.kafka.offset", Long.toString(offset)).start();
            spans.add(span);
            if (payload.correlationId() != null) {
                byCorrelation.putIfAbsent(payload.correlationId(), span);
            }
            if (payload.eventId() != null && byEvent.putIfAbsent(payload.eventId(), span) == null) {
                active.put(payload.eventId(), span);
            }
        }

        /** {@code output} with each record carrying the context of the consumed record it came from. */
        public List<OutgoingRecord> propagate(List<OutgoingRecord> output) {
            if (byCorrelation.isEmpty()) {
                return output;
            }
            List<OutgoingRecord> stamped = new ArrayList<>(output.size());
            for (OutgoingRecord record : output) {
                Span span = byCorrelation.get(record.headers().get(CustAreaHeaders.CORRELATION_ID));
                if (span == null) {
                    stamped.add(record);
                    continue;
                }
                Map<String, String> headers = new LinkedHashMap<>(record.headers());
                TraceContext context = span.context();
                propagator.inject(context, headers, Map::put);
                stamped.add(new OutgoingRecord(record.topic(), record.key(), record.value(), headers));
            }
            return stamped;
        }

        @Override
        public void close() {
            byEvent.forEach(active::remove);
            spans.forEach(Span::end);
        }
    }

    private static String headerText(Message message, String name) {
        Object value = message.getHeader(name);
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value == null ? null : value.toString();
    }
}
