package com.custarea.app.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Creates every topic of the catalog, and its dead-letter topic, before the routes start (the broker does not
 * create topics on its own: a misspelt name fails instead of making a stray topic). Existing topics are left as
 * they are.
 */
@Component
public class KafkaTopicsInitializer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicsInitializer.class);

    public KafkaTopicsInitializer(@Value("${custarea.kafka.bootstrap-servers}") String bootstrapServers,
                                  @Value("${custarea.kafka.replication-factor:1}") short replicationFactor)
            throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<?> topic : Topics.all()) {
                for (String name : List.of(topic.name(), topic.deadLetterTopic())) {
                    if (!existing.contains(name)) {
                        missing.add(new NewTopic(name, topic.partitions(), replicationFactor));
                    }
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // another instance created some of them at the same time: what matters is that they exist
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                LOG.info("Created {} topics: {}", missing.size(), missing.stream().map(NewTopic::name).toList());
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the pipeline's topics on " + bootstrapServers, e);
        }
    }
}
