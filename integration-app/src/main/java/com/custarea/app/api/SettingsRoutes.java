package com.custarea.app.api;

import com.custarea.app.security.User;
import com.custarea.routes.ai.AgentDeployments;
import org.springframework.stereotype.Component;

/** /api/users, /api/channels, /api/features and /api/agent-deployments: the tenant's settings. */
@Component
public class SettingsRoutes extends DashboardApiRoutes {

    private final SettingsApi api;

    public SettingsRoutes(SettingsApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/users").tag("Users").security(OpenApiRoutes.BEARER)
                .get("/me").id("users-me").produces("application/json").description("The signed-in user")
                    .outType(User.class).to(handler("users-me"))
                .get().id("users-list").produces("application/json").description("The tenant's users (admins)")
                    .outType(User[].class).to(handler("users-list"))
                .post().id("users-invite").consumes("application/json").produces("application/json")
                    .description("Invite an admin or agent (admins); without a password they sign in with codes")
                    .type(RequestBodies.InviteUser.class).outType(User.class).to(handler("users-invite"));
        rest("/api/channels").tag("Channels").security(OpenApiRoutes.BEARER)
                .get().id("channels-list").produces("application/json")
                    .description("The tenant's channels; secrets are never returned")
                    .outType(SettingsApi.ChannelView[].class).to(handler("channels-list"))
                .get("/{id}").id("channels-get").produces("application/json").description("One channel")
                    .outType(SettingsApi.ChannelView.class).to(handler("channels-get"))
                .post().id("channels-create").consumes("application/json").produces("application/json")
                    .description("Configure a channel (admins); the secret is write-only, sealed with AES-GCM")
                    .type(RequestBodies.CreateChannel.class).outType(SettingsApi.CreatedChannel.class)
                    .to(handler("channels-create"))
                .patch("/{id}").id("channels-update").consumes("application/json").produces("application/json")
                    .description("Change a channel (admins)").type(RequestBodies.UpdateChannel.class)
                    .outType(SettingsApi.ChannelView.class).to(handler("channels-update"));
        rest("/api/features").tag("Features").security(OpenApiRoutes.BEARER)
                .get().id("features-list").produces("application/json").description("The tenant's feature flags")
                    .to(handler("features-list"))
                .put("/{key}").id("features-set").consumes("application/json").produces("application/json")
                    .description("Turn a feature on or off (admins)").type(RequestBodies.Switch.class)
                    .to(handler("features-set"));
        rest("/api/agent-deployments").tag("AI agent").security(OpenApiRoutes.BEARER)
                .get().id("deployments-list").produces("application/json")
                    .description("Where the AI agent answers: on or off per channel")
                    .outType(AgentDeployments.Deployment[].class).to(handler("deployments-list"))
                .put("/{channelId}").id("deployments-set").consumes("application/json").produces("application/json")
                    .description("Turn the AI agent on or off on a channel (admins)").type(RequestBodies.Switch.class)
                    .outType(AgentDeployments.Deployment[].class).to(handler("deployments-set"));

        handle("users-me", api::me);
        handle("users-list", api::listUsers);
        handle("users-invite", api::inviteUser);
        handle("channels-list", api::listChannels);
        handle("channels-get", api::getChannel);
        handle("channels-create", api::createChannel);
        handle("channels-update", api::updateChannel);
        handle("features-list", api::listFeatures);
        handle("features-set", api::setFeature);
        handle("deployments-list", api::listDeployments);
        handle("deployments-set", api::setDeployment);
    }
}
