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
import com.custarea.routes.widget.WidgetSettings;
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
 * application's demo sink ({@code /demo/callbacks}), and a website widget that the {@code /demo} page embeds. Its
 * ids and secret go to the log and to {@code <data-dir>/demo-api-channel.env}, so the README's quick start works by
 * copy and paste. Later starts reuse it.
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
    private final String widgetDomains;
    private final AtomicReference<DemoTenant> demo = new AtomicReference<>();

    public DemoTenantBootstrap(TenantRepository tenants, ChannelRegistry channels, AiAgents agents,
                               KnowledgeBase knowledgeBase,
                               @Value("${custarea.data-dir:./data}") String dataDir,
                               @Value("${custarea.demo.callback-url:}") String configuredCallbackUrl,
                               @Value("${custarea.demo.widget-domains:localhost,127.0.0.1}") String widgetDomains) {
        this.tenants = tenants;
        this.channels = channels;
        this.agents = agents;
        this.knowledgeBase = knowledgeBase;
        this.envFile = Path.of(dataDir).toAbsolutePath().normalize().resolve(ENV_FILE);
        this.configuredCallbackUrl = configuredCallbackUrl;
        this.widgetDomains = widgetDomains;
    }

    @EventListener
    public void onReady(ApplicationReadyEvent event) {
        int port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", Integer.class,
                8080);
        String callbackUrl = configuredCallbackUrl.isBlank()
                ? "http://127.0.0.1:" + port + DemoCallbackSinkRoute.PATH
                : configuredCallbackUrl;
        DemoTenant tenant = withWidget(existing().orElseGet(() -> create(callbackUrl)));
        channels.updateSettings(tenant.tenantId(), tenant.channelId(),
                Map.of(ApiCallbackRequestBuilder.CALLBACK_URL_SETTING, callbackUrl));
        channels.updateSettings(tenant.tenantId(), tenant.widgetKey(), widgetSettings());
        demo.set(tenant);
        LOG.info("Demo API channel: tenant {} channel {} secret {} (also in {}); callbacks go to {}",
                tenant.tenantId(), tenant.channelId(), tenant.secret(), envFile, callbackUrl);
        LOG.info("Demo website with the chat widget: http://localhost:{}{} (widget key {})", port,
                DemoPageController.PATH, tenant.widgetKey());
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
        UUID widgetKey = Optional.ofNullable(values.getProperty("CUSTAREA_DEMO_WIDGET_KEY")).map(UUID::fromString)
                .orElse(null);
        Optional<ChannelSettings> channel = channels.find(channelId);
        return channel.flatMap(found -> channels.secretOf(found)
                .map(secret -> new DemoTenant(found.tenantId(), found.id(), secret, widgetKey)));
    }

    /** The tenant with its website widget, made now for a data directory from before the widget existed. */
    private DemoTenant withWidget(DemoTenant tenant) {
        if (tenant.widgetKey() != null && channels.find(tenant.widgetKey()).isPresent()) {
            return tenant;
        }
        ChannelSettings widget = channels.create(tenant.tenantId(), Channel.WIDGET, "Demo website",
                widgetSettings(), randomSecret(), true);
        DemoTenant withWidget = tenant.withWidgetKey(widget.id());
        writeEnvFile(withWidget);
        return withWidget;
    }

    private Map<String, String> widgetSettings() {
        return Map.of(WidgetSettings.ALLOWED_DOMAINS, widgetDomains,
                WidgetSettings.GREETING, "Hi! Ask me about orders, returns or shipping.");
    }

    private static String randomSecret() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private DemoTenant create(String callbackUrl) {
        UUID tenantId = tenants.create("Demo");
        String secret = randomSecret();
        ChannelSettings channel = channels.create(tenantId, Channel.API, "Demo API channel",
                Map.of(ApiCallbackRequestBuilder.CALLBACK_URL_SETTING, callbackUrl), secret, true);
        DemoTenant tenant = new DemoTenant(tenantId, channel.id(), secret, null);
        UUID agentId = agents.create(tenantId, PayloadJson.tree("{\"name\": \"Demo assistant\"}")).id();
        try (InputStream faq = getClass().getResourceAsStream(DEMO_FAQ)) {
            knowledgeBase.upload(tenantId, agentId, "Demo shop help centre", "text/markdown", "demo-faq.md",
                    faq.readAllBytes(), "demo-bootstrap");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + DEMO_FAQ, e);
        }
        writeEnvFile(tenant);
        LOG.info("Created the demo tenant {} with API channel {}", tenantId, channel.id());
        return tenant;
    }

    private void writeEnvFile(DemoTenant tenant) {
        try {
            Files.createDirectories(envFile.getParent());
            Files.writeString(envFile, "CUSTAREA_DEMO_TENANT_ID=" + tenant.tenantId() + "\n"
                    + "CUSTAREA_DEMO_CHANNEL_ID=" + tenant.channelId() + "\n"
                    + "CUSTAREA_DEMO_SECRET=" + tenant.secret() + "\n"
                    + (tenant.widgetKey() == null ? "" : "CUSTAREA_DEMO_WIDGET_KEY=" + tenant.widgetKey() + "\n"),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + envFile, e);
        }
    }
}
