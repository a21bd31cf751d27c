package com.custarea.routes.twilio;

import java.util.Optional;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.media.MediaCredentials;
import com.custarea.routes.media.MediaFetcher;
import com.custarea.schemas.Channel;
import org.springframework.stereotype.Component;

/** Twilio media is fetched with the account's REST credentials (HTTP Basic, as the REST API itself). */
@Component
public class TwilioMediaCredentials implements MediaCredentials {

    private final ChannelRegistry channels;

    public TwilioMediaCredentials(ChannelRegistry channels) {
        this.channels = channels;
    }

    @Override
    public boolean supports(ChannelSettings channel) {
        return channel.type() == Channel.WHATSAPP || channel.type() == Channel.SMS;
    }

    @Override
    public Optional<MediaFetcher.Credentials> of(ChannelSettings channel) {
        return TwilioAccount.of(channel, channels)
                .map(account -> new MediaFetcher.Credentials(account.restUsername(), account.restPassword()));
    }
}
