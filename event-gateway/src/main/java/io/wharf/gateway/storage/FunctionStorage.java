package io.wharf.gateway.storage;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.storage.StorageCredentials;
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
        var existing = grants.get(fn.name());
        StorageCredentials grant;
        if (existing.isPresent() && fn.uid().equals(existing.get().value().uid())) {
            grant = existing.get().value();
        } else {
            existing.ifPresent(old -> iam.deleteServiceAccount(old.value().accessKey()));
            StorageCredentials fresh = new StorageCredentials(fn.name(), fn.uid(), UserStorage.Keys.accessKey(), null);
            grant = fresh.withSecretKey(cipher.seal(UserStorage.Keys.secretKey(), fresh.sealingContext()));
            if (existing.isPresent()) {
                grants.update(grant, existing.get().revision());
            } else {
                grants.create(grant);
            }
        }
        iam.putServiceAccount(parent, grant.accessKey(), cipher.open(grant.secretKey(), grant.sealingContext()),
                StoragePolicies.function(fn));
        LOG.debugf("function=%s storage credentials %s", fn.name(), grant.accessKey());
    }

    /** Deletes the function's credentials, in MinIO and in the store. */
    public void revoke(String function) {
        grants.get(function).map(Versioned::value).ifPresent(grant -> {
            iam.deleteServiceAccount(grant.accessKey());
            grants.delete(function);
        });
    }

    /** Whether the function has credentials of its current incarnation. */
    public boolean issuedFor(FunctionDefinition fn) {
        return grants.get(fn.name()).filter(v -> fn.uid() != null && fn.uid().equals(v.value().uid())).isPresent();
    }
}
