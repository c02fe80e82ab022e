package io.wharf.contracts.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Credentials for the platform's MinIO that Wharf issued: a user's own (for uploads, {@code /system/config}) or a
 * function's (for its executions, limited to its inputs and outputs). The secret key is stored sealed
 * ({@link io.wharf.contracts.function.SecretCipher}, context {@link #sealingContext()}).
 *
 * @param holder the Wharf user, or the function's name
 * @param uid the function's uid (a function's credentials serve only that incarnation of the name); {@code null}
 *        for a user's
 * @param accessKey MinIO's access key
 * @param secretKey MinIO's secret key, sealed at rest
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageCredentials(
        @JsonProperty("holder") String holder,
        @JsonProperty("uid") String uid,
        @JsonProperty("access_key") String accessKey,
        @JsonProperty("secret_key") String secretKey) {

    /** What the secret key is bound to when sealed: a copied value does not open for another holder. */
    public String sealingContext() {
        return (uid == null ? "user:" + holder : "function:" + holder + "/" + uid) + "/storage";
    }

    public StorageCredentials withSecretKey(String secret) {
        return new StorageCredentials(holder, uid, accessKey, secret);
    }

    @Override
    public String toString() {
        return "StorageCredentials[holder=" + holder + ", uid=" + uid + ", accessKey=" + accessKey + "]";
    }
}
