package com.custarea.app.api;

import org.springframework.stereotype.Component;

/** /api/media/{id}: files that came with messages (WhatsApp and SMS media). */
@Component
public class MediaRoutes extends DashboardApiRoutes {

    private final MediaApi api;

    public MediaRoutes(MediaApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/media").tag("Media").security(OpenApiRoutes.BEARER)
                .get("/{id}").id("media-get").produces("*/*")
                    .description("A file that came with a message (its attachment URL), fetched from the provider"
                            + " on first access if it was not kept on arrival")
                    .to(handler("media-get"));

        handle("media-get", api::get);
    }
}
