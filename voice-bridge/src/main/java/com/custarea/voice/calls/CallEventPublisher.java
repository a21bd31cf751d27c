package com.custarea.voice.calls;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.custarea.schemas.CallEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Publishes calls.events: an idempotent producer with acks=all, keyed by call id so one call's events stay in order.
 * Transcript segments are sent without waiting (the audio must not wait for Kafka); the start and the end wait for
 * the broker's acknowledgement, so a call is never recorded without its end.
 */
@Component
public class CallEventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(CallEventPublisher.class);

    private final KafkaProducer<String, String> producer;

    public CallEventPublisher(@Value("${custarea.voice.kafka.bootstrap-servers}") String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.CLIENT_ID_CONFIG, "voice-bridge"),
                new StringSerializer(), new StringSerializer());
    }

    public void started(CallSession call) {
        send(event(call, CallEvent.STARTED, null, null, null, null, null, null), true);
    }

    public void transcript(CallSession call, String speaker, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        send(event(call, CallEvent.TRANSCRIPT, speaker, text.strip(), null, null, null, null), false);
    }

    public void toolCall(CallSession call, String toolName, String arguments) {
        send(event(call, CallEvent.TOOL_CALL, null, null, toolName, arguments, null, null), false);
    }

    public void ended(CallSession call, int durationSeconds, String reason) {
        send(event(call, CallEvent.ENDED, null, null, null, null, durationSeconds, reason), true);
    }

    private CallEvent event(CallSession call, String type, String speaker, String text, String toolName,
                            String toolArguments, Integer duration, String endReason) {
        return new CallEvent(UUID.randomUUID(), call.tenantId(), Instant.now(), CallEvent.SCHEMA_VERSION,
                "call-" + call.callId(), call.callId(), call.line().channelId(), type, call.nextSequence(),
                call.callSid(), call.direction(), call.mode().wireName(), call.from(), call.to(), speaker, text,
                toolName, toolArguments, duration, endReason);
    }

    private void send(CallEvent event, boolean await) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.CALLS_EVENTS.name(),
                Topics.CALLS_EVENTS.keyFor(event), PayloadJson.write(event));
        var sent = producer.send(record, (metadata, failure) -> {
            if (failure != null) {
                LOG.error("Could not publish the {} event of call {}", event.type(), event.callId(), failure);
            }
        });
        if (await) {
            try {
                sent.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while publishing a call event", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Could not publish the " + event.type() + " event of call "
                        + event.callId(), e);
            }
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
