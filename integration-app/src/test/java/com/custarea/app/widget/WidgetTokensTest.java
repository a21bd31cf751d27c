package com.custarea.app.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import com.custarea.routes.support.ProblemException;
import com.custarea.routes.widget.WidgetVisitors;
import org.junit.jupiter.api.Test;

/** Widget tokens: valid while unexpired, and good for resuming a session a while after. */
class WidgetTokensTest {

    private static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);
    private static final WidgetVisitors.Visitor VISITOR = new WidgetVisitors.Visitor(UUID.randomUUID(),
            UUID.randomUUID(), UUID.randomUUID(), null, null, null);

    @Test
    void anExpiredTokenIsRefusedForCallsButResumesWithinTheWindow() {
        WidgetTokens expired = new WidgetTokens(SECRET, "target", Duration.ofHours(-1), Duration.ofDays(30));
        String token = expired.issue(VISITOR, null);

        assertThatThrownBy(() -> expired.verify(token)).isInstanceOf(ProblemException.class);
        assertThat(expired.verifyForResume(token).visitorId()).isEqualTo(VISITOR.id());
    }

    @Test
    void aTokenOlderThanTheWindowOrFromAnotherKeyResumesNothing() {
        WidgetTokens longExpired = new WidgetTokens(SECRET, "target", Duration.ofDays(-31), Duration.ofDays(30));
        assertThatThrownBy(() -> longExpired.verifyForResume(longExpired.issue(VISITOR, null)))
                .isInstanceOf(ProblemException.class);

        WidgetTokens other = new WidgetTokens(Base64.getEncoder().encodeToString(new byte[]{
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
            30, 31, 32}), "target", Duration.ofHours(1), Duration.ofDays(30));
        assertThatThrownBy(() -> longExpired.verifyForResume(other.issue(VISITOR, null)))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void aTokenCarriesItsIdentityProofAndAnUnverifiedOneNone() {
        WidgetTokens tokens = new WidgetTokens(SECRET, "target", Duration.ofHours(1), Duration.ofDays(30));
        WidgetTokens.IdentityProof proof = new WidgetTokens.IdentityProof("u-42", "f".repeat(32),
                java.time.Instant.parse("2026-01-02T03:04:05Z"));

        assertThat(tokens.verify(tokens.issue(VISITOR, proof)).proof()).isEqualTo(proof);
        assertThat(tokens.verify(tokens.issue(VISITOR, null)).proof()).isNull();
    }
}
