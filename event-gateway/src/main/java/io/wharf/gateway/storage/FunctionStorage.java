package io.wharf.gateway.storage;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.storage.StorageCredentials;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.CredentialStore;
import io.wharf.jetstream.Versioned;

/**
 * Each function's own MinIO credentials, the only ones its executions get: a service account under its owner's MinIO
 * user (so never more than the owner may do), narrowed to reading its input folders and writing its output folders
 * ({@link StoragePolicies#function}). Stored sealed in the function-storage bucket, bound to the function's uid.
 */
@ApplicationScoped
public class FunctionStorage {

    private static final Logger LOG = Logger.getLogger(FunctionStorage.class);

    private final CredentialStore grants;
    private final UserStorage users;
    private final MinioIam iam;
    private final SecretCipher cipher;

    public FunctionStorage(Connection connection, UserStorage users, MinioIam iam, SecretCipher cipher) {
        this.grants = CredentialStore.functions(connection);
        this.users = users;
        this.iam = iam;
        this.cipher = cipher;
    }

    /**
     * Gives the function credentials for its current inputs and outputs (keeping its keys while its uid stays), or
     * takes them away when it no longer uses the platform's MinIO. The keys are stored before MinIO learns them, so a
     * call interrupted half way converges when repeated.
     */
    public void issue(FunctionDefinition fn) {
        if (!StoragePolicies.usesPlatformStorage(fn)) {
            revoke(fn.name());
            return;
        }
        String parent = users.credentialsOf(fn.owner()).accessKey();
        StorageCredentials grant = grantOf(fn);
        iam.putServiceAccount(parent, grant.accessKey(), cipher.open(grant.secretKey(), grant.sealingContext()),
                StoragePolicies.function(fn));
        LOG.debugf("function=%s storage credentials %s", fn.name(), grant.accessKey());
    }

    /** The stored keys of this incarnation of the function, created (replacing an earlier one's) when missing. */
    private StorageCredentials grantOf(FunctionDefinition fn) {
        Optional<Versioned<StorageCredentials>> existing = grants.get(fn.name());
        if (existing.isPresent() && fn.uid().equals(existing.get().value().uid())) {
            return existing.get().value();
        }
        existing.ifPresent(old -> iam.deleteServiceAccount(old.value().accessKey()));
        StorageCredentials fresh = new StorageCredentials(fn.name(), fn.uid(), UserStorage.Keys.accessKey(), null);
        StorageCredentials grant = fresh.withSecretKey(cipher.seal(UserStorage.Keys.secretKey(),
                fresh.sealingContext()));
        try {
            if (existing.isPresent()) {
                grants.update(grant, existing.get().revision());
            } else {
                grants.create(grant);
            }
            return grant;
        } catch (ConflictException raced) {
            // issued at the same moment elsewhere (the reconciler, another gateway): theirs is as good
            return grants.get(fn.name())
                    .map(Versioned::value)
                    .filter(g -> fn.uid().equals(g.uid()))
                    .orElseThrow(() -> raced);
        }
    }

    /** Deletes the function's credentials, in MinIO and in the store. */
    public void revoke(String function) {
        grants.get(function).map(Versioned::value).ifPresent(grant -> revoke(function, grant.uid()));
    }

    /** Deletes the function's credentials if they are still those of {@code uid}. */
    void revoke(String function, String uid) {
        grants.get(function).filter(v -> java.util.Objects.equals(v.value().uid(), uid)).ifPresent(v -> {
            iam.deleteServiceAccount(v.value().accessKey());
            grants.delete(function);
        });
    }

    /** A new function uid: 16 hexadecimal digits. */
    public static String newUid() {
        byte[] random = new byte[8];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }

    /** Whether the function has credentials of its current incarnation. */
    public boolean issuedFor(FunctionDefinition fn) {
        return grants.get(fn.name()).filter(v -> fn.uid() != null && fn.uid().equals(v.value().uid())).isPresent();
    }
}
