package com.custarea.app.voice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import com.custarea.app.security.JwtKeys;
import com.custarea.routes.support.ProblemException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The voice bridge's token ({@code CUSTAREA_VOICE_BRIDGE_TOKEN}, shared by both applications; in the embedded mode
 * generated into the data folder for a bridge started beside us), which every /api/internal/voice request must bear;
 * unset, that API is off.
 */
@Component
public class VoiceBridgeToken {

    /** Where the embedded mode keeps the bridge's token, for a bridge started on the same data folder. */
    public static final String TOKEN_FILE = "voice-bridge.token";

    private final byte[] token;

    public VoiceBridgeToken(@Value("${custarea.voice.bridge-token:}") String token,
                            @Value("${custarea.embedded.postgres.active:false}") boolean embedded,
                            @Value("${custarea.data-dir:./data}") String dataDir) {
        String effective = token;
        if (token.isBlank() && embedded) {
            // the embedded mode shares a generated token with a voice bridge started beside it on the same folder
            Path file = Path.of(dataDir).toAbsolutePath().normalize().resolve(TOKEN_FILE);
            JwtKeys.load("", file, "CUSTAREA_VOICE_BRIDGE_TOKEN");
            try {
                effective = Files.readString(file, StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the voice bridge's token in " + file, e);
            }
        }
        this.token = effective.getBytes(StandardCharsets.UTF_8);
    }

    /** Refuses (404 when the API is off, 401 otherwise) an Authorization header that is not the bridge's token. */
    public void require(String authorization) {
        if (token.length == 0) {
            throw ProblemException.notFound("The voice bridge API is off: set CUSTAREA_VOICE_BRIDGE_TOKEN");
        }
        byte[] given = authorization == null || !authorization.startsWith("Bearer ") ? new byte[0]
                : authorization.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(token, given)) {
            throw ProblemException.unauthorized("invalid-bridge-token", "Not the voice bridge's token");
        }
    }
}
