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
        String sealed = CIPHER.seal("hunter2");

        assertThatThrownBy(() -> SecretCipher.fromBase64(key(2)).open(sealed))
                .isInstanceOf(IllegalArgumentException.class);
        String altered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> CIPHER.open(altered)).isInstanceOf(IllegalArgumentException.class);
        assertThat(CIPHER.open("clear text")).isEqualTo("clear text");
        assertThatThrownBy(() -> SecretCipher.fromBase64("c2hvcnQ=")).hasMessageContaining("32 bytes");
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
