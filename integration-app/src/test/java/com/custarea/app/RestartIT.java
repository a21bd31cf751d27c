package com.custarea.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.custarea.app.support.SignedApiClient;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.tenants.TenantRepository;
import com.custarea.routes.workflows.WorkflowEngine;
import com.custarea.routes.workflows.WorkflowService;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Stops the whole application and starts it again on the same data folder: nothing is lost, and a workflow's wait
 * that fell due while the application was down fires after the start.
 */
class RestartIT {

    private static final Path DATA_DIR = Path.of("target/restart-it-data");

    @Test
    void conversationsAndWorkflowWaitsSurviveARestartOnTheSameDataFolder() throws Exception {
        deleteRecursively(DATA_DIR);
        UUID tenantId;
        UUID channelId;
        String secret = "restart-secret-" + UUID.randomUUID();
        UUID conversationId;
        try (ConfigurableApplicationContext app = start()) {
            tenantId = app.getBean(TenantRepository.class).create("Restart");
            ChannelSettings channel = app.getBean(ChannelRegistry.class).create(tenantId, Channel.API, "API",
                    Map.of(), secret, false);
            channelId = channel.id();
            // a workflow that labels new conversations, waits an hour, then labels them again
            app.getBean(WorkflowService.class).create(tenantId, PayloadJson.tree("""
                    {"name": "Follow up", "trigger": {"type": "conversation_created"},
                     "actions": [{"type": "add_label", "label": "new"}, {"type": "wait", "minutes": 60},
                                 {"type": "add_label", "label": "followed-up"}]}
                    """), null);
            assertThat(client(app).postMessage(channelId, secret,
                    "{\"messageId\":\"before\",\"sender\":{\"id\":\"loyal\"},\"text\":\"before restart\"}")
                    .statusCode()).isEqualTo(202);
            conversationId = await().atMost(Duration.ofSeconds(30)).until(() -> conversations(app, tenantId),
                    ids -> ids.size() == 1).get(0);
            NamedParameterJdbcTemplate jdbc = app.getBean(NamedParameterJdbcTemplate.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                    "SELECT status FROM workflow_runs WHERE tenant_id = :t", Map.of("t", tenantId), String.class),
                    statuses -> statuses.equals(List.of("waiting")));
            // the hour is over while the application is down
            app.getBean(CamelContext.class).getRouteController().stopRoute(WorkflowEngine.TIMER_ROUTE_ID);
            jdbc.update("UPDATE workflow_timers SET due_at = now() WHERE tenant_id = :t", Map.of("t", tenantId));
        }

        try (ConfigurableApplicationContext app = start()) {
            NamedParameterJdbcTemplate jdbc = app.getBean(NamedParameterJdbcTemplate.class);
            assertThat(jdbc.queryForList("SELECT text FROM messages WHERE conversation_id = :id",
                    Map.of("id", conversationId), String.class)).containsExactly("before restart");
            // the channel's sealed secret still opens with the master key kept in the data folder
            assertThat(client(app).postMessage(channelId, secret,
                    "{\"messageId\":\"after\",\"sender\":{\"id\":\"loyal\"},\"text\":\"after restart\"}")
                    .statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForList(
                    "SELECT text FROM messages WHERE conversation_id = :id ORDER BY created_at",
                    Map.of("id", conversationId), String.class)).containsExactly("before restart", "after restart"));
            assertThat(conversations(app, tenantId)).containsExactly(conversationId);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                    "SELECT array_to_string(labels, ',') FROM conversations WHERE id = :id", Map.of("id",
                            conversationId), String.class)).isEqualTo("new,followed-up"));
            assertThat(jdbc.queryForList("SELECT status FROM workflow_runs WHERE tenant_id = :t",
                    Map.of("t", tenantId), String.class)).containsExactly("completed");
        }
    }

    private static ConfigurableApplicationContext start() {
        // command-line arguments: they outrank application.yml, which names its own data folder and port
        return new SpringApplicationBuilder(CustAreaApplication.class).run(
                "--custarea.data-dir=" + DATA_DIR,
                "--server.port=0",
                "--custarea.demo.enabled=false",
                "--custarea.ai.engine=echo",
                "--custarea.embedded.postgres.synchronous-commit=false",
                "--camel.main.name=custarea-restart-it",
                "--camel.main.shutdown-timeout=5");
    }

    private static SignedApiClient client(ConfigurableApplicationContext app) {
        return new SignedApiClient(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
    }

    private static List<UUID> conversations(ConfigurableApplicationContext app, UUID tenantId) {
        return app.getBean(NamedParameterJdbcTemplate.class).queryForList(
                "SELECT id FROM conversations WHERE tenant_id = :tenant", Map.of("tenant", tenantId), UUID.class);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
