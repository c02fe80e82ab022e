package io.wharf.dispatcher.execution;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.storage.StorageCredentials;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.jetstream.CredentialStore;
import io.wharf.jetstream.Versioned;
import io.wharf.supervisor.EndpointGuard;
import io.wharf.supervisor.S3Endpoint;
import io.wharf.supervisor.StorageClients;
import io.wharf.supervisor.Supervisor;

/**
 * The supervisor an execution of a function fetches and delivers with: the platform's MinIO reached with that
 * function's own credentials (issued by the gateway for its current uid, read from the function-storage bucket), and
 * the function's own providers behind the {@link EndpointGuard}.
 */
@ApplicationScoped
public class StorageAccess {

    private final CredentialStore grants;
    private final SecretCipher cipher;
    private final DispatcherConfig.Storage storage;
    private final EndpointGuard guard;

    public StorageAccess(Connection connection, SecretCipher cipher, DispatcherConfig config) {
        this.grants = CredentialStore.functions(connection);
        this.cipher = cipher;
        this.storage = config.storage();
        this.guard = new EndpointGuard(config.storage().allowPrivateEndpoints());
    }

    public Supervisor supervisorFor(FunctionDefinition fn) {
        return new Supervisor(new StorageClients(platformStore(fn), guard));
    }

    /** The platform's MinIO with the function's own keys; empty when the gateway issued it none. */
    public Optional<S3Endpoint> platformStore(FunctionDefinition fn) {
        return grants.get(fn.name())
                .map(Versioned::value)
                .filter(g -> g.uid() != null && g.uid().equals(fn.uid()))
                .map(this::endpoint);
    }

    private S3Endpoint endpoint(StorageCredentials grant) {
        return new S3Endpoint(storage.endpoint(), grant.accessKey(),
                cipher.open(grant.secretKey(), grant.sealingContext()), storage.region());
    }
}
