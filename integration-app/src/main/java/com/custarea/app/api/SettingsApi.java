package com.custarea.app.api;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.features.FeatureFlags;
import com.custarea.app.security.AuthService;
import com.custarea.app.security.Caller;
import com.custarea.app.security.Role;
import com.custarea.app.security.UserRepository;
import com.custarea.routes.ai.AgentDeployments;
import com.custarea.routes.channels.ChannelConfigurationRules;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.email.SystemMailer;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The handlers of the tenant's settings: users, channels, feature flags and where the AI agent answers. */
@Component
public class SettingsApi {

    private static final TypeReference<Map<String, String>> SETTINGS = new TypeReference<>() {
    };

    private final UserRepository users;
    private final AuthService auth;
    private final SystemMailer mailer;
    private final ChannelRegistry channels;
    private final FeatureFlags features;
    private final AgentDeployments deployments;
    private final ChannelConfigurationRules rules;
    private final SecureRandom random = new SecureRandom();

    public SettingsApi(UserRepository users, AuthService auth, SystemMailer mailer, ChannelRegistry channels,
                       FeatureFlags features, AgentDeployments deployments, ChannelConfigurationRules rules) {
        this.users = users;
        this.auth = auth;
        this.mailer = mailer;
        this.channels = channels;
        this.features = features;
        this.deployments = deployments;
        this.rules = rules;
    }

    public void me(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        request.ok(users.findById(caller.tenantId(), caller.userId())
                .orElseThrow(() -> ProblemException.notFound("No user " + caller.userId())));
    }

    public void listUsers(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        request.ok(users.list(caller.tenantId()));
    }

    /** An admin invites a user: with a password, or (without) the user signs in with one-time codes. */
    public void inviteUser(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        JsonNode body = request.json("user-invite");
        String email = body.get("email").asText();
        if (users.findByEmail(email).isPresent()) {
            throw new ProblemException(409, "email-taken", "Conflict", "An account with this e-mail already exists",
                    List.of(new Problem.FieldError("/email", "already registered")), null);
        }
        String password = ApiRequest.text(body, "password");
        var user = users.create(caller.tenantId(), email, body.get("name").asText(),
                password == null ? null : auth.hash(password), Role.fromWireName(body.get("role").asText()));
        mailer.send(caller.tenantId(), user.email(), "You are invited to CustArea",
                "You can now sign in to CustArea as " + user.email() + " with a one-time code sent to this address.",
                request.correlationId());
        request.created(user);
    }

    public void listChannels(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        request.ok(channels.list(caller.tenantId()).stream().map(ChannelView::of).toList());
    }

    public void getChannel(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        request.ok(ChannelView.of(channels.find(caller.tenantId(), id).orElseThrow(() -> channelNotFound(id))));
    }

    /**
     * Configures a channel. Its secret is write-only and sealed at rest; an API or widget channel without one gets a
     * generated secret, returned this once.
     */
    public void createChannel(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        JsonNode body = request.json("channel-create");
        Channel type = Channel.fromWireName(body.get("type").asText());
        String secret = ApiRequest.text(body, "secret");
        rules.check(type, settings(body), secret);
        String generated = null;
        // the API channel signs with it, the widget checks identity hashes with it
        if (secret == null && (type == Channel.API || type == Channel.WIDGET)) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            generated = HexFormat.of().formatHex(bytes);
            secret = generated;
        }
        ChannelSettings channel;
        try {
            channel = channels.create(caller.tenantId(), type, body.get("name").asText(), settings(body), secret,
                    body.has("aiAgentEnabled") && body.get("aiAgentEnabled").asBoolean());
        } catch (ChannelRegistry.AddressTakenException e) {
            throw addressTaken(e);
        }
        request.created(new CreatedChannel(ChannelView.of(channel), generated));
    }

    public void updateChannel(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        JsonNode body = request.json("channel-update");
        ChannelSettings existing = channels.find(caller.tenantId(), id).orElseThrow(() -> channelNotFound(id));
        rules.check(existing.type(), body.has("settings") ? settings(body) : null, ApiRequest.text(body, "secret"));
        boolean updated;
        try {
            updated = channels.update(caller.tenantId(), id, ApiRequest.text(body, "name"),
                    body.has("settings") ? settings(body) : null, ApiRequest.text(body, "secret"),
                    body.has("enabled") ? body.get("enabled").asBoolean() : null);
        } catch (ChannelRegistry.AddressTakenException e) {
            throw addressTaken(e);
        }
        if (!updated) {
            throw channelNotFound(id);
        }
        request.ok(ChannelView.of(channels.find(caller.tenantId(), id).orElseThrow()));
    }

    /** A Twilio number or messaging service receives for one channel only: webhooks find the tenant by it. */
    private static ProblemException addressTaken(ChannelRegistry.AddressTakenException e) {
        return new ProblemException(409, "address-taken", "Conflict", e.getMessage(), List.of(
                new Problem.FieldError("/settings/" + e.setting(), "already used by another channel")), null);
    }

    public void listFeatures(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        request.ok(features.all(caller.tenantId()));
    }

    public void setFeature(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        String key = request.path("key");
        if (key == null || !key.matches("[a-z][a-z0-9_.-]{0,63}")) {
            throw ProblemException.badRequest("Not a feature key: " + key,
                    List.of(new Problem.FieldError("/key", "lower-case letters, digits, _ . - (up to 64)")));
        }
        features.set(caller.tenantId(), key, request.json("switch").get("enabled").asBoolean());
        request.ok(features.all(caller.tenantId()));
    }

    public void listDeployments(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        request.ok(deployments.list(caller.tenantId()));
    }

    public void setDeployment(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID channelId = request.pathId("channelId");
        if (!deployments.set(caller.tenantId(), channelId, request.json("switch").get("enabled").asBoolean())) {
            throw channelNotFound(channelId);
        }
        request.ok(deployments.list(caller.tenantId()));
    }

    private static Map<String, String> settings(JsonNode body) {
        return body.has("settings") ? new LinkedHashMap<>(PayloadJson.mapper().convertValue(body.get("settings"),
                SETTINGS)) : Map.of();
    }

    private static ProblemException channelNotFound(UUID id) {
        return ProblemException.notFound("No channel " + id);
    }

    /** A channel as the dashboard sees it: its secret is never shown, only whether it has one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChannelView(UUID id, String type, String name, Map<String, String> settings,
                              boolean aiAgentEnabled, boolean enabled, boolean hasSecret) {

        static ChannelView of(ChannelSettings channel) {
            return new ChannelView(channel.id(), channel.type().wireName(), channel.name(), channel.settings(),
                    channel.aiAgentEnabled(), channel.enabled(), channel.sealedSecret() != null);
        }
    }

    /** A new channel, and the secret generated for it (shown only in this response). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreatedChannel(ChannelView channel, String generatedSecret) {
    }

}
