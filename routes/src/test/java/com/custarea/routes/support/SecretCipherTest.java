package com.custarea.routes.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private final byte[] key = randomKey();
    private final SecretCipher cipher = new SecretCipher(key);

    @Test
    void sealedSecretOpensWithTheSameKeyAndTenant() {
        String sealed = cipher.encrypt("twilio-auth-token", "tenant-a");

        assertThat(sealed).startsWith("v1:").doesNotContain("twilio-auth-token");
        assertThat(cipher.decrypt(sealed, "tenant-a")).isEqualTo("twilio-auth-token");
        assertThat(new SecretCipher(key.clone()).decrypt(sealed, "tenant-a")).isEqualTo("twilio-auth-token");
    }

    @Test
    void eachSealingUsesAFreshNonce() {
        assertThat(cipher.encrypt("same", "t")).isNotEqualTo(cipher.encrypt("same", "t"));
    }

    @Test
    void aSecretCopiedToAnotherTenantDoesNotOpen() {
        String sealed = cipher.encrypt("secret", "tenant-a");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "tenant-b")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTamperedOrForeignCiphertextDoesNotOpen() {
        String sealed = cipher.encrypt("secret", "t");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        raw[raw.length - 1] ^= 1;
        String tampered = "v1:" + Base64.getEncoder().encodeToString(raw);

        assertThatThrownBy(() -> cipher.decrypt(tampered, "t")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretCipher(randomKey()).decrypt(sealed, "t"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt("plain", "t")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMasterKeyMustBe32Bytes() {
        assertThatThrownBy(() -> new SecretCipher(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
