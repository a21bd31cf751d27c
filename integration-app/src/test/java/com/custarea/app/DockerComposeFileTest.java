package com.custarea.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml cannot be started here (no Docker engine); this checks its syntax and wiring instead. */
class DockerComposeFileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    @SuppressWarnings("unchecked")
    void composeFileWiresTheAppsToKafkaPostgresAndMongoThroughTheDocumentedVariables() throws IOException {
        Map<String, Object> compose;
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(reader);
        }
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).containsKeys("kafka", "postgres", "mongodb", "integration-app", "voice-bridge",
                "prometheus");
        assertThat(services.get("kafka").get("image").toString()).startsWith("apache/kafka:");

        Map<String, Object> app = services.get("integration-app");
        Map<String, Object> environment = (Map<String, Object>) app.get("environment");
        assertThat(environment).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("DB_HOST", "postgres")
                .containsKeys("DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "MONGODB_URI", "CUSTAREA_MASTER_KEY",
                        "CUSTAREA_JWT_SECRET");
        assertThat((Map<String, Object>) app.get("depends_on")).containsKeys("kafka", "postgres", "mongodb");

        for (String built : new String[] {"integration-app", "voice-bridge"}) {
            Map<String, Object> build = (Map<String, Object>) services.get(built).get("build");
            assertThat(ROOT.resolve(build.get("dockerfile").toString())).as(built + " Dockerfile").exists();
        }
        assertThat(ROOT.resolve("ops/prometheus.yml")).exists();
    }

    @Test
    @SuppressWarnings("unchecked")
    void grafanaLoadsTheDashboardFromTheRepositoryAgainstThePrometheusDataSource() throws IOException {
        Map<String, Object> compose;
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(reader);
        }
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).containsKeys("grafana", "kafka-ui");
        for (Object volume : (List<Object>) services.get("grafana").get("volumes")) {
            String source = volume.toString().split(":")[0];
            assertThat(ROOT.resolve(source)).as(source).exists();
        }
        Map<String, Object> datasources;
        try (Reader reader = Files.newBufferedReader(ROOT.resolve(
                "ops/grafana/provisioning/datasources/prometheus.yml"))) {
            datasources = new Yaml().load(reader);
        }
        String uid = ((List<Map<String, Object>>) datasources.get("datasources")).get(0).get("uid").toString();
        JsonNode dashboard = PayloadJson.tree(Files.readString(ROOT.resolve(
                "ops/grafana/dashboards/custarea-overview.json")));
        assertThat(dashboard.get("panels")).isNotEmpty().allSatisfy(panel -> {
            assertThat(panel.get("datasource").get("uid").asText()).isEqualTo(uid);
            assertThat(panel.get("targets")).isNotEmpty().allSatisfy(target ->
                    assertThat(target.get("expr").asText()).containsPattern("(custarea|camel)_"));
        });
    }
}
