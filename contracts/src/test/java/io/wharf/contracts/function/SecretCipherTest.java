package io.wharf.contracts.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import io.wharf.contracts.Json;

class SecretCipherTest {

    private static final SecretCipher CIPHER = SecretCipher.fromBase64(key(1));

    @Test
    void shouldSealEverySecretOfAFunctionAndOpenThemAgain() throws Exception {
        FunctionDefinition fn = FdlReader.readOne("""
                name: sealed
                image: i
                script: s
                uid: 00112233aabbccdd
                environment:
                  variables: {PLAIN: visible}
                  secrets: {API_KEY: hunter2}
                output: [{storage_provider: s3.aws, path: bucket/out}]
                storage_providers:
                  s3: {aws: {access_key: AKIA, secret_key: very-secret, region: eu-west-1}}
                """);

        FunctionDefinition sealed = fn.sealed(CIPHER);

        String stored = Json.json().writeValueAsString(sealed);
        assertThat(stored).doesNotContain("hunter2", "very-secret").contains("visible", "AKIA", SecretCipher.PREFIX);
        assertThat(sealed.opened(CIPHER)).isEqualTo(fn);
        assertThat(sealed.sealed(CIPHER)).as("sealing twice changes nothing").isEqualTo(sealed);
    }

    @Test
    void shouldRefuseAValueSealedWithAnotherKeyOrAltered() {
        String sealed = CIPHER.seal("hunter2", "ctx");

        assertThatThrownBy(() -> SecretCipher.fromBase64(key(2)).open(sealed, "ctx"))
                .isInstanceOf(IllegalArgumentException.class);
        String altered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> CIPHER.open(altered, "ctx")).isInstanceOf(IllegalArgumentException.class);
        assertThat(CIPHER.open("clear text", "ctx")).isEqualTo("clear text");
        assertThatThrownBy(() -> SecretCipher.fromBase64("c2hvcnQ=")).hasMessageContaining("32 bytes");
    }

    @Test
    void shouldNotOpenASecretCopiedIntoAnotherFunctionOrField() {
        FunctionDefinition owner = FdlReader.readOne("""
                {name: a, image: i, script: s, uid: aaaaaaaaaaaaaaaa, environment: {secrets: {KEY: hunter2, OTHER: x}}}
                """).sealed(CIPHER);
        String stolen = owner.environment().secrets().get("KEY");
        FunctionDefinition thief = FdlReader.readOne("""
                {name: b, image: i, script: s, uid: bbbbbbbbbbbbbbbb, environment: {secrets: {KEY: placeholder}}}
                """);
        FunctionDefinition withCopy = new FunctionDefinition(thief.name(), null, thief.image(), thief.script(), null,
                null, null, null, null, new FunctionDefinition.Environment(null, java.util.Map.of("KEY", stolen)),
                null, null, null, null, null, null, null, thief.uid(), null, null, null, null);
        FunctionDefinition movedField = new FunctionDefinition(owner.name(), null, owner.image(), owner.script(),
                null, null, null, null, null,
                new FunctionDefinition.Environment(null, java.util.Map.of("OTHER", stolen)), null, null, null, null,
                null, null, null, owner.uid(), null, null, null, null);

        assertThat(owner.opened(CIPHER).environment().secrets()).containsEntry("KEY", "hunter2");
        assertThatThrownBy(() -> withCopy.opened(CIPHER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> movedField.opened(CIPHER)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldStillOpenValuesSealedInTheFirstFormat() throws Exception {
        javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        byte[] nonce = new byte[12];
        aes.init(javax.crypto.Cipher.ENCRYPT_MODE,
                new javax.crypto.spec.SecretKeySpec(Base64.getDecoder().decode(key(1)), "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        byte[] sealed = aes.doFinal("old".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] all = new byte[nonce.length + sealed.length];
        System.arraycopy(sealed, 0, all, nonce.length, sealed.length);

        assertThat(CIPHER.open(SecretCipher.LEGACY_PREFIX + Base64.getEncoder().encodeToString(all), "any"))
                .isEqualTo("old");
    }

    @Test
    void shouldKeepSecretsAClientSentBackRedacted() {
        FunctionDefinition current = FdlReader.readOne("""
                {name: f, image: i, script: s, environment: {secrets: {A: one, B: two}},
                 storage_providers: {minio: {x: {endpoint: e, access_key: k, secret_key: real}}}}""");
        FunctionDefinition edited = FdlReader.readOne("""
                {name: f, image: i2, script: s, environment: {secrets: {A: '********', B: new}},
                 storage_providers: {minio: {x: {endpoint: e, access_key: k, secret_key: '********'}}}}""");

        FunctionDefinition merged = edited.keepingRedactedSecretsOf(current);

        assertThat(merged.environment().secrets()).containsEntry("A", "one").containsEntry("B", "new");
        assertThat(merged.storageProviders().minio().get("x").secretKey()).isEqualTo("real");
        assertThat(merged.image()).isEqualTo("i2");
    }

    private static String key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return Base64.getEncoder().encodeToString(key);
    }
}
