package com.custarea.routes.email;

import java.util.UUID;

/** Stores the new refresh token a provider issued while refreshing an access token (Microsoft rotates them). */
@FunctionalInterface
public interface EmailRefreshTokenListener {

    /** Called once per refresh whose answer carried a refresh token other than the one used. */
    void rotated(UUID channelId, String newRefreshToken);
}
