package com.custarea.routes.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.custarea.schemas.Channel;
import com.custarea.schemas.DeliveryStatus;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

class BatchStageProcessorTest {

    private final CamelContext camel = new DefaultCamelContext();

    @Test
    void validRecordsReachTheStageAndItsOutputBecomesKafkaMessages() {
        DeliveryStatus first = status();
        DeliveryStatus second = status();
        RecordingStage stage = new RecordingStage(batch -> { });

        List<Message> output = run(stage, record(0, PayloadJson.write(first)), record(1, PayloadJson.write(second)));

        assertThat(stage.batches).containsExactly(List.of(first.messageId(), second.messageId()));
        assertThat(output).hasSize(2);
        assertThat(output.get(0).getHeader(KafkaConstants.OVERRIDE_TOPIC)).isEqualTo("echo");
        assertThat(output.get(0).getHeader(KafkaConstants.KEY)).isEqualTo(first.messageId().toString());
        assertThat(output.get(0).getHeader(CustAreaHeaders.CORRELATION_ID)).isEqualTo("c");
    }

    @Test
    void recordsThatAreNotValidPayloadsAreDeadLetteredAndTheRestProcessed() {
        DeliveryStatus valid = status();
        RecordingStage stage = new RecordingStage(batch -> { });

        List<Message> output = run(stage, record(3, "{oops"), record(4, "{\"messageId\":\"x\"}"),
                record(5, PayloadJson.write(valid)));

        assertThat(stage.batches).containsExactly(List.of(valid.messageId()));
        List<Message> deadLetters = output.stream().filter(message -> Topics.DELIVERY_STATUS.deadLetterTopic()
                .equals(message.getHeader(KafkaConstants.OVERRIDE_TOPIC))).toList();
        assertThat(deadLetters).hasSize(2);
        assertThat(deadLetters.get(0).getBody(String.class)).isEqualTo("{oops");
        assertThat(deadLetters.get(0).getHeader(CustAreaHeaders.DLQ_ORIGINAL_OFFSET)).isEqualTo("3");
        assertThat(deadLetters.get(1).getHeader(CustAreaHeaders.DLQ_ERROR_MESSAGE, String.class))
                .contains("tenantId");
        assertThat(deadLetters.get(1).getHeader(CustAreaHeaders.DLQ_STAGE)).isEqualTo("test-stage");
    }

    @Test
    void aRecordThatBreaksTheBatchIsIsolatedAndDeadLettered() {
        DeliveryStatus poison = status();
        DeliveryStatus fine = status();
        RecordingStage stage = new RecordingStage(batch -> {
            if (batch.contains(poison.messageId())) {
                throw new IllegalStateException("cannot handle " + poison.messageId());
            }
        });

        List<Message> output = run(stage, record(0, PayloadJson.write(poison)), record(1, PayloadJson.write(fine)));

        assertThat(stage.batches).containsExactly(List.of(poison.messageId(), fine.messageId()),
                List.of(poison.messageId()), List.of(fine.messageId()));
        assertThat(output).extracting(message -> message.getHeader(KafkaConstants.OVERRIDE_TOPIC))
                .containsExactly(Topics.DELIVERY_STATUS.deadLetterTopic(), "echo");
        assertThat(output.get(0).getHeader(CustAreaHeaders.DLQ_ERROR_CLASS))
                .isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void aTransientFailureFailsTheWholeBatchSoItIsRetried() {
        RecordingStage stage = new RecordingStage(batch -> {
            throw new DataAccessResourceFailureException("database down");
        });
        Exchange exchange = batchOf(record(0, PayloadJson.write(status())), record(1, PayloadJson.write(status())));

        assertThatThrownBy(() -> new BatchStageProcessor<>(stage, "test-stage", new SimpleMeterRegistry(), RecordTracing.disabled()).process(exchange))
                .isInstanceOf(DataAccessResourceFailureException.class);
        assertThat(stage.batches).hasSize(1);
    }

    private List<Message> run(RecordingStage stage, Exchange... records) {
        Exchange exchange = batchOf(records);
        new BatchStageProcessor<>(stage, "test-stage", new SimpleMeterRegistry(), RecordTracing.disabled()).process(exchange);
        @SuppressWarnings("unchecked")
        List<Message> output = exchange.getMessage().getBody(List.class);
        assertThat(exchange.getProperty(BatchStageProcessor.BATCH_PROPERTY, List.class)).hasSize(records.length);
        return output;
    }

    private Exchange batchOf(Exchange... records) {
        Exchange batch = new DefaultExchange(camel);
        batch.getMessage().setBody(List.of(records));
        return batch;
    }

    private Exchange record(long offset, String value) {
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setBody(value);
        record.getMessage().setHeader(KafkaConstants.TOPIC, Topics.DELIVERY_STATUS.name());
        record.getMessage().setHeader(KafkaConstants.PARTITION, 0);
        record.getMessage().setHeader(KafkaConstants.OFFSET, offset);
        record.getMessage().setHeader(KafkaConstants.KEY, "k" + offset);
        return record;
    }

    private static DeliveryStatus status() {
        return new DeliveryStatus(UUID.randomUUID(), UUID.randomUUID(), Instant.now(), 1, "c", UUID.randomUUID(),
                Channel.SMS, MessageStatus.SENT, null, null, null);
    }

    /** A stage that records the message ids of each batch it is given and echoes them to topic "echo". */
    private static final class RecordingStage implements BatchStage<DeliveryStatus> {

        final List<List<UUID>> batches = new ArrayList<>();
        private final Consumer<List<UUID>> behaviour;

        RecordingStage(Consumer<List<UUID>> behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public TopicSpec<DeliveryStatus> input() {
            return Topics.DELIVERY_STATUS;
        }

        @Override
        public List<OutgoingRecord> process(List<StageRecord<DeliveryStatus>> batch) {
            List<UUID> ids = batch.stream().map(record -> record.payload().messageId()).toList();
            batches.add(ids);
            behaviour.accept(ids);
            return batch.stream().map(record -> new OutgoingRecord("echo", record.payload().messageId().toString(),
                    record.rawValue(), Map.of(CustAreaHeaders.CORRELATION_ID, "c"))).toList();
        }
    }
}
