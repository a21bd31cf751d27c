package com.custarea.routes.media;

import java.util.Optional;

import com.custarea.routes.channels.ChannelSettings;

/** The credentials a channel's provider wants for downloading its media; one implementation per provider. */
public interface MediaCredentials {

    /** Whether this provider serves {@code channel}'s media. */
    boolean supports(ChannelSettings channel);

    /** The credentials to fetch {@code channel}'s media with, if it has any. */
    Optional<MediaFetcher.Credentials> of(ChannelSettings channel);
}
