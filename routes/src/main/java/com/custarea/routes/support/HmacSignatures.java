package com.custarea.routes.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC signatures of webhook bodies, and their comparison in constant time. */
public final class HmacSignatures {

    private static final String SHA256 = "HmacSHA256";

    private HmacSignatures() {
    }

    /** Hex HMAC-SHA256 of {@code payload} under {@code secret}. */
    public static String sha256Hex(String secret, byte[] payload) {
        return HexFormat.of().formatHex(mac(SHA256, secret.getBytes(StandardCharsets.UTF_8), payload));
    }

    /** The signature over {@code timestamp + "." + body}: binding the timestamp makes a replayed request detectable. */
    public static String timestampedSha256Hex(String secret, long timestamp, byte[] body) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return sha256Hex(secret, signed);
    }

    /** Compares two signatures without leaking, through timing, how much of them matched. */
    public static boolean constantTimeEquals(String expected, String actual) {
        if (expected == null || actual == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] mac(String algorithm, byte[] key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }
}
