package com.custarea.app.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import com.custarea.routes.support.SecretCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The master key that seals provider secrets at rest: {@code CUSTAREA_MASTER_KEY} (base64 of 32 bytes) when set;
 * otherwise a key generated once into the data folder, which is fine for a single machine and said loudly in the
 * log, since losing that file makes the stored secrets unreadable.
 */
@Configuration(proxyBeanMethods = false)
public class MasterKeyConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MasterKeyConfiguration.class);

    @Bean
    SecretCipher secretCipher(@Value("${custarea.security.master-key:}") String configured,
                              @Value("${custarea.data-dir:./data}") String dataDir) {
        if (!configured.isBlank()) {
            return new SecretCipher(decode(configured));
        }
        Path file = Path.of(dataDir).toAbsolutePath().normalize().resolve("master.key");
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.createDirectories(file.getParent());
                Files.writeString(file, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    LOG.debug("Cannot restrict the permissions of {}", file);
                }
                LOG.warn("CUSTAREA_MASTER_KEY is not set: generated a master key in {}. Keep that file (or set "
                        + "CUSTAREA_MASTER_KEY to its content) or the stored channel secrets become unreadable.", file);
            } else {
                LOG.info("Master key: from {} (set CUSTAREA_MASTER_KEY in production)", file);
            }
            return new SecretCipher(decode(Files.readString(file, StandardCharsets.US_ASCII).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key " + file, e);
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("CUSTAREA_MASTER_KEY must be base64 of 32 random bytes "
                    + "(openssl rand -base64 32)", e);
        }
    }
}
