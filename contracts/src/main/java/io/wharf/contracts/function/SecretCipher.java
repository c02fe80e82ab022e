package io.wharf.contracts.function;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the secrets of a function definition (environment secrets, storage provider keys and tokens) before it is
 * stored, and opens them where an execution needs them: the functions bucket never holds a secret in clear. AES-256
 * in GCM mode, so a value altered in the store is refused, not decrypted to garbage.
 * <p>
 * Every sealed value is bound to where it belongs (its <em>context</em>: the function's uid and the field, as GCM's
 * associated data): a ciphertext copied into another function, or into another field, does not open. Sealed values
 * read {@value #PREFIX}{@code <base64 of nonce and ciphertext>}; a value without a sealed prefix is clear text.
 * Values sealed by the first format ({@value #LEGACY_PREFIX}, without context) are still opened.
 */
public final class SecretCipher {

    /** Every sealed format starts with this; clients may never send a value that does (see FunctionValidator). */
    public static final String RESERVED_PREFIX = "wharf:sealed:";
    public static final String PREFIX = RESERVED_PREFIX + "v2:";
    static final String LEGACY_PREFIX = RESERVED_PREFIX + "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the secrets key must be 32 bytes (base64 of 32 random bytes)");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** @param base64Key 32 random bytes, base64-encoded ({@code head -c 32 /dev/urandom | base64}) */
    public static SecretCipher fromBase64(String base64Key) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secrets key must be base64 of 32 random bytes", e);
        }
        return new SecretCipher(key);
    }

    public static boolean isSealed(String value) {
        return value != null && value.startsWith(RESERVED_PREFIX);
    }

    /**
     * @param context where the value belongs (e.g. {@code <function uid>/environment.secrets.API_KEY}); the same
     *        context is needed to open it
     * @return the sealed value; a value already sealed, or {@link FunctionDefinition#REDACTED}, is returned as is
     */
    public String seal(String clear, String context) {
        if (clear == null || isSealed(clear) || FunctionDefinition.REDACTED.equals(clear)) {
            return clear;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder()
                    .encodeToString(
                            ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JVM", e);
        }
    }

    /**
     * @param context the context the value was sealed with
     * @throws IllegalArgumentException when the value was sealed with another key or for another context, or altered
     */
    public String open(String value, String context) {
        if (!isSealed(value)) {
            return value;
        }
        boolean legacy = value.startsWith(LEGACY_PREFIX);
        if (!legacy && !value.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a sealed secret has an unknown format");
        }
        try {
            byte[] all = Base64.getDecoder().decode(value.substring(legacy ? LEGACY_PREFIX.length() : PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            if (!legacy) {
                cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            }
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "a sealed secret cannot be opened: another key, another function or field, or an altered value",
                    e);
        }
    }
}
