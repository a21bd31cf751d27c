package com.custarea.routes.api;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Message;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Verifies a request of a tenant's system to the API channel before anything is read from its body: the channel
 * exists, the timestamp is recent (a replay is refused), and the signature over timestamp and raw body matches the
 * channel's secret, compared in constant time.
 */
@Component
public class ApiChannelAuthenticator {

    private final ChannelRegistry channels;
    private final Duration tolerance;
    private final Clock clock;
    private final MeterRegistry meters;

    @Autowired
    public ApiChannelAuthenticator(ChannelRegistry channels,
                                   @Value("${custarea.channels.api.timestamp-tolerance:5m}") Duration tolerance,
                                   MeterRegistry meters) {
        this(channels, tolerance, Clock.systemUTC(), meters);
    }

    ApiChannelAuthenticator(ChannelRegistry channels, Duration tolerance, Clock clock, MeterRegistry meters) {
        this.channels = channels;
        this.tolerance = tolerance;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * The channel the request is for, once its signature is verified; otherwise a 401 or 404 problem (a refused
     * signature is counted in {@code custarea.webhooks.rejected}).
     */
    public ChannelSettings verify(Message request, byte[] body) {
        try {
            return check(request, body);
        } catch (ProblemException problem) {
            if (problem.status() == 401) {
                meters.counter("custarea.webhooks.rejected", "provider", "api", "reason", problem.slug()).increment();
            }
            throw problem;
        }
    }

    private ChannelSettings check(Message request, byte[] body) {
        ChannelSettings channel = channel(request.getHeader(ApiChannelHeaders.CHANNEL_ID_PARAM, String.class));
        String timestampHeader = request.getHeader(ApiChannelHeaders.TIMESTAMP, String.class);
        String signature = request.getHeader(ApiChannelHeaders.SIGNATURE, String.class);
        if (timestampHeader == null || signature == null) {
            throw ProblemException.unauthorized("missing-signature", "The request must carry the "
                    + ApiChannelHeaders.TIMESTAMP + " and " + ApiChannelHeaders.SIGNATURE + " headers");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.unauthorized("invalid-timestamp",
                    ApiChannelHeaders.TIMESTAMP + " must be Unix seconds");
        }
        long age = Math.abs(clock.instant().getEpochSecond() - timestamp);
        if (age > tolerance.toSeconds()) {
            throw ProblemException.unauthorized("stale-timestamp", "The request was signed " + age
                    + " s away from now, more than the " + tolerance.toSeconds()
                    + " s allowed: refused as a possible replay");
        }
        String secret = channels.secretOf(channel).orElseThrow(() -> ProblemException.unauthorized(
                "invalid-signature", "The channel has no secret to verify signatures with"));
        String expected = ApiChannelHeaders.SIGNATURE_PREFIX
                + HmacSignatures.timestampedSha256Hex(secret, timestamp, body);
        if (!HmacSignatures.constantTimeEquals(expected, signature.trim())) {
            throw ProblemException.unauthorized("invalid-signature",
                    "The signature does not match the body and timestamp under the channel's secret");
        }
        return channel;
    }

    private ChannelSettings channel(String channelId) {
        Optional<UUID> id = parseUuid(channelId);
        return id.flatMap(channels::find)
                .filter(channel -> channel.type() == Channel.API && channel.enabled())
                .orElseThrow(() -> ProblemException.notFound("There is no API channel " + channelId));
    }

    private static Optional<UUID> parseUuid(String value) {
        try {
            return Optional.ofNullable(value).map(UUID::fromString);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
