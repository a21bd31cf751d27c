package com.custarea.routes.calls;

import java.util.Optional;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.twilio.TwilioAccount;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Twilio account of a voice line: its own (account SID in its settings, auth token as its secret), or, for a
 * single-account set-up as the seed's, TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.
 */
@Component
public class VoiceLineAccounts {

    private final ChannelRegistry channels;
    private final String defaultSid;
    private final String defaultToken;

    public VoiceLineAccounts(ChannelRegistry channels,
                             @Value("${custarea.voice.twilio-account-sid:}") String defaultSid,
                             @Value("${custarea.voice.twilio-auth-token:}") String defaultToken) {
        this.channels = channels;
        this.defaultSid = defaultSid;
        this.defaultToken = defaultToken;
    }

    public Optional<TwilioAccount> of(ChannelSettings line) {
        return TwilioAccount.of(line, channels).or(() -> defaultSid.isBlank() || defaultToken.isBlank()
                ? Optional.empty() : Optional.of(new TwilioAccount(defaultSid, line.setting(
                        TwilioAccount.PHONE_NUMBER).orElse(null), null, defaultToken, null, null)));
    }
}
