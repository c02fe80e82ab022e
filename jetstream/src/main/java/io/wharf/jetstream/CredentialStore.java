package io.wharf.jetstream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import io.nats.client.Connection;
import io.wharf.contracts.Names;
import io.wharf.contracts.storage.StorageCredentials;

/**
 * MinIO credentials Wharf issued, keyed by their holder: users' in {@value Names#USERS_BUCKET} (the gateway's alone),
 * functions' in {@value Names#FUNCTION_STORAGE_BUCKET} (which the dispatcher may read). Secret keys are stored sealed;
 * sealing and opening is the caller's business. Holders are encoded into keys, so any user name (an e-mail address,
 * an OpenID subject) is a valid key.
 */
public final class CredentialStore {

    private final TypedBucket<StorageCredentials> bucket;

    private CredentialStore(Connection connection, String name) {
        this.bucket = TypedBucket.ofJson(connection, name, StorageCredentials.class);
    }

    public static CredentialStore users(Connection connection) {
        return new CredentialStore(connection, Names.USERS_BUCKET);
    }

    public static CredentialStore functions(Connection connection) {
        return new CredentialStore(connection, Names.FUNCTION_STORAGE_BUCKET);
    }

    public Optional<Versioned<StorageCredentials>> get(String holder) {
        return bucket.get(key(holder));
    }

    /** @throws ConflictException when the holder has credentials already */
    public void create(StorageCredentials credentials) {
        bucket.create(key(credentials.holder()), credentials);
    }

    /** @throws ConflictException when the holder's credentials changed since {@code revision} was read */
    public void update(StorageCredentials credentials, long revision) {
        bucket.update(key(credentials.holder()), credentials, revision);
    }

    public void delete(String holder) {
        bucket.delete(key(holder));
    }

    public List<StorageCredentials> list() {
        return bucket.list(">");
    }

    static String key(String holder) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(holder.getBytes(StandardCharsets.UTF_8));
    }

}
