package com.custarea.app.widget;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.routes.support.ProblemException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Checks widget visitors' identities: the site's HMAC-SHA256 of a user id under the widget's identity secret, and
 * whether an earlier proof still holds (checked with today's secret, within the identity window), so a rotated
 * secret or an old proof leaves the visitor unverified until the site sends a fresh hash.
 */
@Component
public class WidgetIdentities {

    /** What the fingerprint of a secret is computed over (never the secret itself, which the token would show). */
    private static final byte[] FINGERPRINT_INPUT = "custarea-widget-identity-secret".getBytes(
            StandardCharsets.UTF_8);

    private final ChannelRegistry channels;
    private final Duration window;
    private final Clock clock = Clock.systemUTC();

    public WidgetIdentities(ChannelRegistry channels,
                            @Value("${custarea.widget.identity-window:30d}") Duration window) {
        this.channels = channels;
        this.window = window;
    }

    /** The proof of {@code userId} when {@code identityHash} is its HMAC; a 403 problem otherwise. */
    public WidgetTokens.IdentityProof prove(ChannelSettings channel, String userId, String identityHash) {
        String secret = secret(channel).orElseThrow(() -> ProblemException.forbidden("identity-refused",
                "This widget has no identity secret to check identities with"));
        String expected = HmacSignatures.sha256Hex(secret, userId.getBytes(StandardCharsets.UTF_8));
        if (identityHash == null || !HmacSignatures.constantTimeEquals(expected, identityHash.toLowerCase())) {
            throw ProblemException.forbidden("identity-refused", "The identity hash does not match the user id");
        }
        return new WidgetTokens.IdentityProof(userId, fingerprint(secret), clock.instant());
    }

    /** Whether {@code proof} (null: none) was made with the widget's current secret and is still within the window. */
    public boolean holds(ChannelSettings channel, WidgetTokens.IdentityProof proof) {
        if (proof == null || proof.provenAt().plus(window).isBefore(clock.instant())) {
            return false;
        }
        return secret(channel).map(secret -> HmacSignatures.constantTimeEquals(fingerprint(secret),
                proof.secretFingerprint())).orElse(false);
    }

    private Optional<String> secret(ChannelSettings channel) {
        return channels.secretOf(channel);
    }

    private static String fingerprint(String secret) {
        return HmacSignatures.sha256Hex(secret, FINGERPRINT_INPUT).substring(0, 32);
    }
}
