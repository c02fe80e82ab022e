package io.wharf.supervisor;

import java.io.IOException;
import java.util.Optional;

import io.wharf.contracts.function.ProviderRef;
import io.wharf.contracts.function.StorageProviders;
import io.wharf.contracts.onedata.Oneprovider;
import io.wharf.supervisor.onedata.CdmiClient;
import io.wharf.supervisor.onedata.CdmiStorageClient;

/**
 * Finds the client for a provider reference: the platform's MinIO with the credentials this execution was given, or
 * a provider the function defines: another MinIO, Amazon S3, or a Onedata space through CDMI (its endpoint checked by
 * the {@link EndpointGuard}).
 */
public final class StorageClients {

    private final Optional<S3Endpoint> platform;
    private final EndpointGuard guard;

    /**
     * @param platform the platform's MinIO with the function's own credentials; empty when it has none
     * @param guard what a function's own endpoints may be
     */
    public StorageClients(Optional<S3Endpoint> platform, EndpointGuard guard) {
        this.platform = platform;
        this.guard = guard;
    }

    public StorageClients(S3Endpoint platform) {
        this(Optional.of(platform), new EndpointGuard(false));
    }

    /**
     * @throws IOException when the platform's MinIO is named but this execution has no credentials for it
     * @throws EndpointGuard.ForbiddenEndpointException when a function's endpoint is private
     * @throws UnsupportedProviderException when the provider is not defined or has no client yet
     */
    public StorageClient forProvider(ProviderRef ref, StorageProviders providers) throws IOException {
        if (ref.isPlatformMinio()) {
            return new S3StorageClient(platform.orElseThrow(() -> new IOException(
                    "this function has no credentials for the platform's MinIO (the gateway issues them when the "
                            + "function is created or updated)")));
        }
        return switch (ref.type()) {
            case ProviderRef.MINIO -> {
                StorageProviders.MinioProvider p = require(providers.minio().get(ref.id()), ref);
                yield new S3StorageClient(new S3Endpoint(guard.check(p.endpoint()), p.accessKey(), p.secretKey(),
                        p.region()), guard.client());
            }
            case ProviderRef.S3 -> {
                StorageProviders.S3Provider p = require(providers.s3().get(ref.id()), ref);
                yield new S3StorageClient(
                        new S3Endpoint(S3Endpoint.AWS_ENDPOINT, p.accessKey(), p.secretKey(), p.region()),
                        guard.client());
            }
            case ProviderRef.ONEDATA -> {
                StorageProviders.OnedataProvider p = require(providers.onedata().get(ref.id()), ref);
                yield new CdmiStorageClient(new CdmiClient(guard.check(Oneprovider.baseUrl(p.oneproviderHost())),
                        p.space(), p.token(), guard.client()));
            }
            default -> throw new UnsupportedProviderException(ref);
        };
    }

    private static <T> T require(T provider, ProviderRef ref) {
        if (provider == null) {
            throw new UnsupportedProviderException(ref);
        }
        return provider;
    }

    /** A provider this supervisor cannot reach: undefined, or of an unknown type. */
    public static class UnsupportedProviderException extends RuntimeException {

        public UnsupportedProviderException(ProviderRef ref) {
            super("storage provider " + ref + " is not defined or not supported by this supervisor");
        }
    }
}
