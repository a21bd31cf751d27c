package com.custarea.app.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.ai.kb.KnowledgeBase;
import com.custarea.routes.api.ApiCallbackRequestBuilder;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.tenants.TenantRepository;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * On the first start of the embedded mode, creates a demo tenant with an API channel whose replies come from an AI
 * agent (the offline engine, with a small help centre as its knowledge base) and whose callbacks go to this
 * application's demo sink ({@code /demo/callbacks}). Its ids and secret go to the log and to
 * {@code <data-dir>/demo-api-channel.env}, so the README's quick start works by copy and paste. Later starts reuse
 * it.
 */
@Component
@ConditionalOnProperty(name = "custarea.demo.enabled", havingValue = "true")
public class DemoTenantBootstrap {

    static final String ENV_FILE = "demo-api-channel.env";
    private static final String DEMO_FAQ = "/demo/demo-faq.md";
    private static final Logger LOG = LoggerFactory.getLogger(DemoTenantBootstrap.class);

    private final TenantRepository tenants;
    private final ChannelRegistry channels;
    private final AiAgents agents;
    private final KnowledgeBase knowledgeBase;
    private final Path envFile;
    private final String configuredCallbackUrl;
    private final AtomicReference<DemoTenant> demo = new AtomicReference<>();

    public DemoTenantBootstrap(TenantRepository tenants, ChannelRegistry channels, AiAgents agents,
                               KnowledgeBase knowledgeBase,
                               @Value("${custarea.data-dir:./data}") String dataDir,
                               @Value("${custarea.demo.callback-url:}") String configuredCallbackUrl) {
        this.tenants = tenants;
        this.channels = channels;
        this.agents = agents;
        this.knowledgeBase = knowledgeBase;
        this.envFile = Path.of(dataDir).toAbsolutePath().normalize().resolve(ENV_FILE);
        this.configuredCallbackUrl = configuredCallbackUrl;
    }

    @EventListener
    public void onReady(ApplicationReadyEvent event) {
        int port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", Integer.class,
                8080);
        String callbackUrl = configuredCallbackUrl.isBlank()
                ? "http://127.0.0.1:" + port + DemoCallbackSinkRoute.PATH
                : configuredCallbackUrl;
        DemoTenant tenant = existing().orElseGet(() -> create(callbackUrl));
        channels.updateSettings(tenant.tenantId(), tenant.channelId(),
                Map.of(ApiCallbackRequestBuilder.CALLBACK_URL_SETTING, callbackUrl));
        demo.set(tenant);
        LOG.info("Demo API channel: tenant {} channel {} secret {} (also in {}); callbacks go to {}",
                tenant.tenantId(), tenant.channelId(), tenant.secret(), envFile, callbackUrl);
    }

    /** The demo tenant, once the application is ready. */
    public Optional<DemoTenant> demoTenant() {
        return Optional.ofNullable(demo.get());
    }

    private Optional<DemoTenant> existing() {
        if (!Files.exists(envFile)) {
            return Optional.empty();
        }
        Properties values = new Properties();
        try (InputStream in = Files.newInputStream(envFile)) {
            values.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + envFile, e);
        }
        UUID channelId = UUID.fromString(values.getProperty("CUSTAREA_DEMO_CHANNEL_ID"));
        Optional<ChannelSettings> channel = channels.find(channelId);
        return channel.flatMap(found -> channels.secretOf(found)
                .map(secret -> new DemoTenant(found.tenantId(), found.id(), secret)));
    }

    private DemoTenant create(String callbackUrl) {
        UUID tenantId = tenants.create("Demo");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        ChannelSettings channel = channels.create(tenantId, Channel.API, "Demo API channel",
                Map.of(ApiCallbackRequestBuilder.CALLBACK_URL_SETTING, callbackUrl), secret, true);
        DemoTenant tenant = new DemoTenant(tenantId, channel.id(), secret);
        UUID agentId = agents.create(tenantId, PayloadJson.tree("{\"name\": \"Demo assistant\"}")).id();
        try (InputStream faq = getClass().getResourceAsStream(DEMO_FAQ)) {
            knowledgeBase.upload(tenantId, agentId, "Demo shop help centre", "text/markdown", "demo-faq.md",
                    faq.readAllBytes(), "demo-bootstrap");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + DEMO_FAQ, e);
        }
        try {
            Files.createDirectories(envFile.getParent());
            Files.writeString(envFile, "CUSTAREA_DEMO_TENANT_ID=" + tenantId + "\n"
                    + "CUSTAREA_DEMO_CHANNEL_ID=" + channel.id() + "\n"
                    + "CUSTAREA_DEMO_SECRET=" + secret + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + envFile, e);
        }
        LOG.info("Created the demo tenant {} with API channel {}", tenantId, channel.id());
        return tenant;
    }
}
