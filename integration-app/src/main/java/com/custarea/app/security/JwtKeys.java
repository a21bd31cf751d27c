package com.custarea.app.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The HMAC key that signs access tokens (HS256): {@code CUSTAREA_JWT_SECRET} (base64 of at least 32 bytes) when set,
 * otherwise one generated once into the data folder. Every instance of a deployment must share it.
 */
@Component
public class JwtKeys {

    private static final Logger LOG = LoggerFactory.getLogger(JwtKeys.class);
    private final SecretKey key;

    public JwtKeys(@Value("${custarea.security.jwt-secret:}") String configured,
                   @Value("${custarea.data-dir:./data}") String dataDir) {
        this.key = load(configured, Path.of(dataDir).toAbsolutePath().normalize().resolve("jwt.key"),
                "CUSTAREA_JWT_SECRET");
    }

    /**
     * An HS256 key: {@code configured} (base64 of at least 32 bytes, from the environment variable {@code variable})
     * when set, otherwise the one in {@code file}, generated on first use.
     */
    public static SecretKey load(String configured, Path file, String variable) {
        byte[] bytes = configured.isBlank() ? fromDataFolder(file, variable)
                : Base64.getDecoder().decode(configured.trim());
        if (bytes.length < 32) {
            throw new IllegalStateException(variable + " must be base64 of at least 32 bytes");
        }
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    public SecretKey signingKey() {
        return key;
    }

    private static byte[] fromDataFolder(Path file, String variable) {
        try {
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                Files.createDirectories(file.getParent());
                Files.writeString(file, Base64.getEncoder().encodeToString(random), StandardCharsets.US_ASCII);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    LOG.debug("Cannot restrict the permissions of {}", file);
                }
                LOG.warn("{} is not set: generated a token signing key in {}", variable, file);
            }
            return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the token signing key " + file, e);
        }
    }
}
