package com.custarea.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.PipelineIntegrationTest;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Threading by reference: a provider's thread reference wins over the contact's open conversation. */
class ThreadingIT extends PipelineIntegrationTest {

    @Test
    void aReplyJoinsTheThreadItRefersToAndANewMessageStartsItsOwn() throws Exception {
        UUID tenantId = tenants.create("Threads");
        ChannelSettings mailbox = channels.create(tenantId, Channel.EMAIL, "Support mailbox",
                Map.of("address", "support@example.com"), null, false);

        publish(mail(tenantId, mailbox.id(), "<first@customer.example>", List.of(), null, "Order 1"));
        UUID first = awaitConversationOf(tenantId, "<first@customer.example>");
        publish(mail(tenantId, mailbox.id(), "<second@customer.example>", List.of(), null, "Order 2"));
        UUID second = awaitConversationOf(tenantId, "<second@customer.example>");
        publish(mail(tenantId, mailbox.id(), "<reply@customer.example>",
                List.of("<first@customer.example>", "<unknown@elsewhere>"), null, "Re: Order 1"));
        UUID reply = awaitConversationOf(tenantId, "<reply@customer.example>");
        publish(mail(tenantId, mailbox.id(), "<threaded@customer.example>", List.of(), "gmail-thread-2", "Again"));
        awaitConversationOf(tenantId, "<threaded@customer.example>");
        publish(mail(tenantId, mailbox.id(), "<same-thread@customer.example>", List.of(), "gmail-thread-2", "More"));

        assertThat(second).isNotEqualTo(first);
        assertThat(reply).isEqualTo(first);
        assertThat(awaitConversationOf(tenantId, "<same-thread@customer.example>"))
                .isEqualTo(awaitConversationOf(tenantId, "<threaded@customer.example>"));
        assertThat(rows("SELECT id FROM contacts WHERE tenant_id = :tenant", Map.of("tenant", tenantId))).hasSize(1);
    }

    private UUID awaitConversationOf(UUID tenantId, String providerMessageId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                "SELECT conversation_id FROM messages WHERE tenant_id = :tenant AND provider_message_id = :id",
                Map.of("tenant", tenantId, "id", providerMessageId), UUID.class), ids -> ids.size() == 1).get(0);
    }

    private void publish(InboundMessage message) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.INBOUND_MESSAGES.name(), Topics.INBOUND_MESSAGES.keyFor(message),
                    PayloadJson.write(message))).get();
        }
    }

    private static InboundMessage mail(UUID tenantId, UUID channelId, String messageId, List<String> references,
                                       String providerThreadId, String subject) {
        Instant now = Instant.now();
        return new InboundMessage(UUID.randomUUID(), tenantId, now, InboundMessage.SCHEMA_VERSION, "threading",
                Channel.EMAIL, channelId, messageId, ContactIdentifier.of(IdentifierType.EMAIL, "Buyer@Customer.example"),
                "Buyer", List.of(), subject, "body of " + subject, null, List.of(), references, providerThreadId, now,
                Map.of());
    }
}
