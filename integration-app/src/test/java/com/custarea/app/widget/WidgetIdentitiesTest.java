package com.custarea.app.widget;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.routes.support.SecretCipher;
import com.custarea.schemas.Channel;
import org.junit.jupiter.api.Test;

class WidgetIdentitiesTest {

    private final SecretCipher cipher = new SecretCipher(new byte[32]);
    private final WidgetIdentities identities = new WidgetIdentities(new ChannelRegistry(null, cipher,
            Duration.ofSeconds(30), Duration.ofHours(1)), Duration.ofDays(30));

    @Test
    void aProofOlderThanTheWindowOrNoneAtAllHoldsNothing() {
        // a lapsed proof is refused before the widget's secret is even read
        WidgetIdentities withoutChannels = new WidgetIdentities(null, Duration.ofDays(30));
        WidgetTokens.IdentityProof lapsed = new WidgetTokens.IdentityProof("u-1", "f".repeat(32),
                Instant.now().minus(Duration.ofDays(31)));

        assertThat(withoutChannels.holds(null, lapsed)).isFalse();
        assertThat(withoutChannels.holds(null, null)).isFalse();
    }

    @Test
    void aProofWithinTheWindowHoldsUntilTheSecretChanges() {
        ChannelSettings widget = widget("identity-secret");
        WidgetTokens.IdentityProof proof = identities.prove(widget, "u-1", HmacSignatures.sha256Hex(
                "identity-secret", "u-1".getBytes(StandardCharsets.UTF_8)));
        WidgetTokens.IdentityProof earlier = new WidgetTokens.IdentityProof("u-1", proof.secretFingerprint(),
                Instant.now().minus(Duration.ofDays(29)));

        assertThat(identities.holds(widget, proof)).isTrue();
        assertThat(identities.holds(widget, earlier)).as("29 days old, within the window").isTrue();
        assertThat(identities.holds(rotated(widget, "another-secret"), proof)).isFalse();
    }

    private ChannelSettings widget(String secret) {
        UUID tenant = UUID.randomUUID();
        return new ChannelSettings(UUID.randomUUID(), tenant, Channel.WIDGET, "Website",
                Map.of("allowedDomains", "shop.example.com"), false, true, cipher.encrypt(secret, tenant.toString()));
    }

    private ChannelSettings rotated(ChannelSettings widget, String secret) {
        return new ChannelSettings(widget.id(), widget.tenantId(), widget.type(), widget.name(), widget.settings(),
                widget.aiAgentEnabled(), widget.enabled(), cipher.encrypt(secret, widget.tenantId().toString()));
    }
}
