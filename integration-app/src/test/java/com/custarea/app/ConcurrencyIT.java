package com.custarea.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.custarea.app.support.PipelineIntegrationTest;
import com.custarea.routes.contacts.ContactResolver;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

class ConcurrencyIT extends PipelineIntegrationTest {

    @Autowired
    ContactResolver resolver;

    @Autowired
    TransactionTemplate transaction;

    @Test
    void fiftyParallelFirstMessagesFromOneNewNumberMakeOneContact() throws Exception {
        TestChannel channel = newApiChannel(false);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Integer>> posts = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < 50; i++) {
                String body = "{\"messageId\":\"par-" + i + "\",\"sender\":{\"phone\":\"+1 (415) 555-0199\"},"
                        + "\"text\":\"message " + i + "\"}";
                posts.add(pool.submit(() -> {
                    start.await();
                    return client.postMessage(channel.channelId(), channel.secret(), body).statusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> post : posts) {
                assertThat(post.get()).isEqualTo(202);
            }
        } finally {
            pool.shutdown();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM messages WHERE tenant_id = :tenant", Map.of("tenant", channel.tenantId()),
                Integer.class) == 50);
        assertThat(rows("SELECT id FROM contacts WHERE tenant_id = :tenant", Map.of("tenant", channel.tenantId())))
                .hasSize(1);
        assertThat(rows("SELECT id FROM conversations WHERE tenant_id = :tenant",
                Map.of("tenant", channel.tenantId()))).hasSize(1);
    }

    @Test
    void fiftyConcurrentResolutionsOfOneNewIdentifierRaceToOneContact() throws Exception {
        UUID tenantId = tenants.create("Race");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        Set<UUID> contacts = ConcurrentHashMap.newKeySet();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<UUID>> resolutions = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                // WhatsApp and SMS spellings of one number are one identifier
                String sender = i % 2 == 0 ? "whatsapp:+14155550142" : "+1 415 555 0142";
                Callable<UUID> resolve = () -> {
                    start.await();
                    return transaction.execute(tx -> resolver.resolve(tenantId,
                            List.of(ContactIdentifier.of(IdentifierType.PHONE, sender)), "Racer"));
                };
                resolutions.add(pool.submit(resolve));
            }
            start.countDown();
            for (Future<UUID> resolution : resolutions) {
                contacts.add(resolution.get());
            }
        } finally {
            pool.shutdown();
        }
        assertThat(contacts).hasSize(1);
        assertThat(rows("SELECT id FROM contacts WHERE tenant_id = :tenant", Map.of("tenant", tenantId))).hasSize(1);
        assertThat(resolver.getContactIdentifiers(tenantId, contacts.iterator().next()))
                .containsExactly(ContactIdentifier.of(IdentifierType.PHONE, "+14155550142"));
    }
}
