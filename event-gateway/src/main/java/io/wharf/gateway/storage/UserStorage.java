package io.wharf.gateway.storage;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.wharf.contracts.Json;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.function.Visibility;
import io.wharf.contracts.storage.StorageCredentials;
import io.wharf.jetstream.BucketOwners;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.CredentialStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.StoreException;
import io.wharf.jetstream.Versioned;

/**
 * Each Wharf user's own MinIO user, as OSCAR gives each of its users: created on first need, its keys stored sealed
 * in the users bucket, its policy derived from what the user owns and what is shared with them (buckets and functions,
 * {@link StoragePolicies#user}). The root keys never leave the gateway.
 */
@ApplicationScoped
public class UserStorage {

    private static final Logger LOG = Logger.getLogger(UserStorage.class);

    private final CredentialStore users;
    private final BucketOwners owners;
    private final FunctionStore functions;
    private final MinioIam iam;
    private final SecretCipher cipher;

    public UserStorage(Connection connection, FunctionStore functions, MinioIam iam, SecretCipher cipher) {
        this.users = CredentialStore.users(connection);
        this.owners = new BucketOwners(connection);
        this.functions = functions;
        this.iam = iam;
        this.cipher = cipher;
    }

    /** The user's MinIO credentials in clear, created with their MinIO user and policy when they have none. */
    public StorageCredentials credentialsOf(String user) {
        StorageCredentials stored = users.get(user).map(Versioned::value).orElseGet(() -> create(user));
        StorageCredentials clear = stored.withSecretKey(cipher.open(stored.secretKey(), stored.sealingContext()));
        iam.putUser(clear.accessKey(), clear.secretKey());
        applyPolicy(clear, new Grants(owners.records(), functions.list()));
        return clear;
    }

    /** Brings the policies of these users (those who have MinIO credentials) in line with what they may use. */
    public void refresh(Collection<String> affected) {
        if (affected.isEmpty()) {
            return;
        }
        Grants grants = new Grants(owners.records(), functions.list());
        for (String user : affected) {
            users.get(user).ifPresent(v -> applyPolicy(v.value(), grants));
        }
    }

    /**
     * The users whose policies a change of a bucket's sharing from {@code previous} to {@code bucket} (either may be
     * {@code null}: created, deleted) touches: its owner, and everyone it was or is shared with.
     */
    public Set<String> affectedByBucket(BucketOwners.Owner bucket, BucketOwners.Owner previous) {
        Set<String> affected = new LinkedHashSet<>();
        for (BucketOwners.Owner b : new BucketOwners.Owner[]{bucket, previous}) {
            if (b == null) {
                continue;
            }
            affected.add(b.user());
            if (b.effectiveVisibility() == Visibility.PUBLIC) {
                users.list().forEach(c -> affected.add(c.holder()));
            } else if (b.effectiveVisibility() == Visibility.RESTRICTED) {
                affected.addAll(b.allowedUsers());
            }
        }
        affected.remove(null);
        return affected;
    }

    /** The users whose policies a change from {@code previous} to {@code fn} (either may be {@code null}) touches. */
    public Set<String> affectedBy(FunctionDefinition fn, FunctionDefinition previous) {
        Set<String> affected = new LinkedHashSet<>();
        for (FunctionDefinition f : new FunctionDefinition[]{fn, previous}) {
            if (f == null) {
                continue;
            }
            affected.add(f.owner());
            if (f.effectiveVisibility() == Visibility.PUBLIC) {
                users.list().forEach(c -> affected.add(c.holder()));
            } else if (f.effectiveVisibility() == Visibility.RESTRICTED) {
                affected.addAll(f.allowedUsers());
            }
        }
        affected.remove(null);
        return affected;
    }

    private void applyPolicy(StorageCredentials credentials, Grants grants) {
        String user = credentials.holder();
        List<FunctionDefinition> shared = grants.functions()
                .stream()
                .filter(f -> !f.isOwnedBy(user) && f.isVisibleTo(user))
                .toList();
        String policy;
        try {
            policy = Json.json()
                    .writeValueAsString(StoragePolicies.user(grants.bucketsWhere(b -> b.isOwnedBy(user)),
                            grants.bucketsWhere(b -> b.isSharedWith(user)), shared));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        iam.putUserPolicy(credentials.accessKey(), "wharf-user-" + credentials.accessKey().toLowerCase(), policy);
    }

    /** What policies are derived from, read once for all the users a change touches. */
    private record Grants(Map<String, BucketOwners.Owner> buckets, List<FunctionDefinition> functions) {

        List<String> bucketsWhere(Predicate<BucketOwners.Owner> test) {
            return buckets.entrySet().stream().filter(e -> test.test(e.getValue())).map(Map.Entry::getKey).toList();
        }
    }

    private StorageCredentials create(String user) {
        String accessKey = Keys.accessKey();
        StorageCredentials fresh = new StorageCredentials(user, null, accessKey, null);
        StorageCredentials sealed = fresh.withSecretKey(cipher.seal(Keys.secretKey(), fresh.sealingContext()));
        try {
            users.create(sealed);
            LOG.infof("MinIO user %s created for %s", accessKey, user);
            return sealed;
        } catch (ConflictException raced) {
            return users.get(user)
                    .map(Versioned::value)
                    .orElseThrow(() -> new StoreException(
                            "the MinIO credentials of " + user + " vanished while being created", raced));
        }
    }

    /** Random MinIO keys: access keys of 20 upper-case letters and digits, secret keys of 40 characters. */
    static final class Keys {

        private static final SecureRandom RANDOM = new SecureRandom();
        private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        private static final String ANY = UPPER + "abcdefghijklmnopqrstuvwxyz";

        private Keys() {
        }

        static String accessKey() {
            return random(UPPER, 20);
        }

        static String secretKey() {
            return random(ANY, 40);
        }

        private static String random(String alphabet, int length) {
            StringBuilder s = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            }
            return s.toString();
        }
    }
}
