package com.custarea.app.support;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.CustAreaApplication;
import com.custarea.routes.api.ApiCallbackRequestBuilder;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.tenants.TenantRepository;
import com.custarea.schemas.Channel;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The base of the integration tests: one application context for all of them (so one set of embedded services and
 * one set of consumers per test JVM), a WireMock server standing in for tenants' systems, and helpers to make a
 * tenant with an API channel whose callbacks go to WireMock.
 */
@AutoConfigureObservability
@SpringBootTest(classes = CustAreaApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "custarea.data-dir=target/it-data",
                "custarea.embedded.postgres.synchronous-commit=false",
                "custarea.demo.enabled=false",
                // the pipeline's tests want an answer to every message; AiAgentIT starts the offline engine
                "custarea.ai.engine=echo",
                "custarea.ops.lag-refresh=1s",
                "custarea.providers.initial-retry-delay=100ms",
                "custarea.providers.max-retry-delay=400ms",
                "custarea.providers.max-retries=2",
                "custarea.providers.park-delay=300ms",
                "custarea.providers.park-limit=20s",
                "custarea.providers.park-poll-interval=100",
                "custarea.providers.circuit.open-for=1s",
                "custarea.providers.circuit.minimum-calls=3",
                "camel.main.shutdown-timeout=5",
                // WireMock answers on localhost; every other private address stays refused
                "custarea.webhooks.allowed-hosts=localhost",
                "custarea.webhooks.poll-interval=100",
                "custarea.webhooks.retry.initial-delay=200ms",
                "custarea.webhooks.retry.max-delay=1s",
                "custarea.webhooks.retry.max-attempts=8",
                "custarea.workflows.poll-interval=200",
                "custarea.voice.bridge-token=voice-bridge-test-token",
                "custarea.voice.bridge-public-url=https://voice.example.test",
                // every test client is 127.0.0.1: per-client limits would throttle the suite; per-address ones stay
                "custarea.security.login-limit-per-client=100000",
                "custarea.security.otp-limit-per-client=100000",
                // likewise the widget's limits: a test awaiting a visitor's history reads it often (WidgetIT meets
                // the read limits with a WidgetApi of its own)
                "custarea.widget.inits-per-address=100000",
                "custarea.widget.messages-per-address=100000",
                "custarea.widget.messages-per-visitor=100000",
                "custarea.widget.reads-per-address=100000",
                "custarea.widget.reads-per-visitor=100000"
        })
public abstract class PipelineIntegrationTest {

    /** The fake of tenants' systems; it lives as long as the test JVM, like the application context. */
    protected static final WireMockServer TENANT_SYSTEMS = new WireMockServer(
            WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());

    static {
        TENANT_SYSTEMS.start();
        Runtime.getRuntime().addShutdownHook(new Thread(TENANT_SYSTEMS::stop));
    }

    /**
     * Twilio's REST API and OpenAI's chat completions are faked by the same WireMock (OpenAI under {@code /openai/v1},
     * answering only agents whose model is not offline); webhooks are signed over the public URL.
     */
    @DynamicPropertySource
    static void providerFakes(DynamicPropertyRegistry registry) {
        registry.add("custarea.channels.twilio.api-base-url", TENANT_SYSTEMS::baseUrl);
        registry.add("custarea.ai.openai.base-url", () -> TENANT_SYSTEMS.baseUrl() + "/openai/v1");
        registry.add("custarea.ai.openai.api-key", () -> "sk-test-fake");
        registry.add("custarea.ai.openai.timeout", () -> "2s");
        registry.add("custarea.public-base-url", () -> TwilioWebhookClient.PUBLIC_BASE_URL);
        // e-mail: SES and S3 at the root, Gmail under /gmail/, Graph under /graph/v1.0, Google's and Microsoft's
        // authorization servers under /google and /microsoft, SNS certificates under /sns
        registry.add("custarea.email.ses.endpoint-override", TENANT_SYSTEMS::baseUrl);
        registry.add("custarea.email.ses.access-key-id", () -> "AKIDTEST");
        registry.add("custarea.email.ses.secret-access-key", () -> "test-secret");
        registry.add("custarea.email.ses.topic-arns", () -> EmailFakes.TOPIC_ARN);
        registry.add("custarea.email.ses.sns-host-pattern", () -> "localhost|127\\.0\\.0\\.1");
        registry.add("custarea.email.ses.sns-require-https", () -> "false");
        registry.add("custarea.email.gmail.root-url", () -> TENANT_SYSTEMS.baseUrl() + "/gmail/");
        registry.add("custarea.email.gmail.pubsub-topic", () -> EmailFakes.GMAIL_TOPIC);
        registry.add("custarea.email.gmail.push-audience", () -> EmailFakes.PUSH_AUDIENCE);
        registry.add("custarea.email.gmail.push-jwks-uri", () -> TENANT_SYSTEMS.baseUrl() + "/google/certs");
        registry.add("custarea.email.graph.base-url", () -> TENANT_SYSTEMS.baseUrl() + "/graph/v1.0");
        registry.add("custarea.email.google.client-id", () -> "google-client");
        registry.add("custarea.email.google.client-secret", () -> "google-secret");
        registry.add("custarea.email.google.authorization-uri", () -> TENANT_SYSTEMS.baseUrl() + "/google/auth");
        registry.add("custarea.email.google.token-uri", () -> TENANT_SYSTEMS.baseUrl() + "/google/token");
        registry.add("custarea.email.microsoft.client-id", () -> "microsoft-client");
        registry.add("custarea.email.microsoft.client-secret", () -> "microsoft-secret");
        registry.add("custarea.email.microsoft.authority", () -> TENANT_SYSTEMS.baseUrl() + "/microsoft");
        registry.add("custarea.email.poll-interval", () -> "500");
    }

    @LocalServerPort
    protected int port;

    @Value("${custarea.kafka.bootstrap-servers}")
    protected String bootstrapServers;

    @Autowired
    protected NamedParameterJdbcTemplate jdbc;

    @Autowired
    protected TenantRepository tenants;

    @Autowired
    protected ChannelRegistry channels;

    protected SignedApiClient client;
    protected TopicReader topics;

    @BeforeEach
    void connect() {
        client = new SignedApiClient(port);
        topics = new TopicReader(bootstrapServers);
    }

    /** A new tenant with an API channel whose callbacks go to WireMock at {@code /callbacks/<channel name>}. */
    protected TestChannel newApiChannel(boolean aiAgent) {
        UUID tenantId = tenants.create("Tenant " + UUID.randomUUID());
        String secret = randomSecret();
        String path = "/callbacks/" + UUID.randomUUID();
        ChannelSettings channel = channels.create(tenantId, Channel.API, "API", Map.of(
                ApiCallbackRequestBuilder.CALLBACK_URL_SETTING, TENANT_SYSTEMS.baseUrl() + path), secret, aiAgent);
        return new TestChannel(tenantId, channel.id(), secret, path);
    }

    protected static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Rows of {@code sql} with named parameters. */
    protected List<Map<String, Object>> rows(String sql, Map<String, ?> params) {
        return jdbc.queryForList(sql, params);
    }

    /** A tenant's API channel in a test. */
    public record TestChannel(UUID tenantId, UUID channelId, String secret, String callbackPath) {
    }
}
