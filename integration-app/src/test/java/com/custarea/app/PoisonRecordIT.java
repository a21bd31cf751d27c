package com.custarea.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.PipelineIntegrationTest;
import com.custarea.routes.conversations.IngestRoute;
import com.custarea.routes.support.CustAreaHeaders;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class PoisonRecordIT extends PipelineIntegrationTest {

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheNextRecordOnThePartitionIsProcessed() throws Exception {
        TestChannel channel = newApiChannel(false);
        String key = channel.tenantId() + "|api|poison-sender";
        InboundMessage forUnknownChannel = message(channel.tenantId(), UUID.randomUUID(), "p-2");
        InboundMessage valid = message(channel.tenantId(), channel.channelId(), "p-3");

        RecordMetadata notJson;
        RecordMetadata unknownChannel;
        RecordMetadata good;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            String topic = Topics.INBOUND_MESSAGES.name();
            notJson = producer.send(new ProducerRecord<>(topic, key, "this is not json")).get();
            unknownChannel = producer.send(new ProducerRecord<>(topic, key, PayloadJson.write(forUnknownChannel))).get();
            good = producer.send(new ProducerRecord<>(topic, key, PayloadJson.write(valid))).get();
        }
        assertThat(good.partition()).isEqualTo(notJson.partition());

        await().atMost(Duration.ofSeconds(30)).until(() -> rows(
                "SELECT provider_message_id FROM messages WHERE tenant_id = :tenant",
                Map.of("tenant", channel.tenantId())), rows -> rows.size() == 1);

        List<ConsumerRecord<String, String>> deadLetters = await().atMost(Duration.ofSeconds(30)).until(() -> topics
                .readAll(Topics.INBOUND_MESSAGES.deadLetterTopic(), record -> key.equals(record.key())),
                records -> records.size() == 2);
        ConsumerRecord<String, String> first = deadLetters.get(0);
        assertThat(first.value()).isEqualTo("this is not json");
        assertThat(header(first, CustAreaHeaders.DLQ_ORIGINAL_TOPIC)).isEqualTo(Topics.INBOUND_MESSAGES.name());
        assertThat(header(first, CustAreaHeaders.DLQ_ORIGINAL_OFFSET)).isEqualTo(Long.toString(notJson.offset()));
        assertThat(header(first, CustAreaHeaders.DLQ_STAGE)).isEqualTo(IngestRoute.ROUTE_ID);
        assertThat(header(first, CustAreaHeaders.DLQ_ERROR_MESSAGE)).contains("Not JSON");
        ConsumerRecord<String, String> second = deadLetters.get(1);
        assertThat(header(second, CustAreaHeaders.DLQ_ORIGINAL_OFFSET)).isEqualTo(
                Long.toString(unknownChannel.offset()));
        assertThat(header(second, CustAreaHeaders.DLQ_ERROR_CLASS)).endsWith("UnknownChannelException");
        assertThat(PayloadJson.read(second.value(), InboundMessage.class)).isEqualTo(forUnknownChannel);
    }

    private static InboundMessage message(UUID tenantId, UUID channelId, String providerId) {
        Instant now = Instant.now();
        return new InboundMessage(UUID.randomUUID(), tenantId, now, InboundMessage.SCHEMA_VERSION, "poison-test",
                Channel.API, channelId, providerId, ContactIdentifier.of(IdentifierType.EXTERNAL, "poison-sender"),
                null, List.of(), null, "text " + providerId, null, List.of(), List.of(), null, now, Map.of());
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
