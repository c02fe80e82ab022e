package io.wharf.supervisor;

import io.wharf.contracts.function.ProviderRef;
import io.wharf.contracts.function.StorageProviders;

/** Finds the client for a provider reference: the platform's MinIO, or one the function defines. */
public final class StorageClients {

    private final StorageClient platform;

    public StorageClients(S3Endpoint platformMinio) {
        this.platform = new S3StorageClient(platformMinio);
    }

    public StorageClient forProvider(ProviderRef ref, StorageProviders providers) {
        if (ref.isPlatformMinio()) {
            return platform;
        }
        return switch (ref.type()) {
            case ProviderRef.MINIO -> {
                StorageProviders.MinioProvider p = require(providers.minio().get(ref.id()), ref);
                yield new S3StorageClient(new S3Endpoint(p.endpoint(), p.accessKey(), p.secretKey(), p.region()));
            }
            case ProviderRef.S3 -> {
                StorageProviders.S3Provider p = require(providers.s3().get(ref.id()), ref);
                yield new S3StorageClient(
                        new S3Endpoint(S3Endpoint.AWS_ENDPOINT, p.accessKey(), p.secretKey(), p.region()));
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

    /** A provider this supervisor cannot reach: undefined, or of a type without a client yet (Onedata). */
    public static class UnsupportedProviderException extends RuntimeException {

        public UnsupportedProviderException(ProviderRef ref) {
            super("storage provider " + ref + " is not defined or not supported by this supervisor");
        }
    }
}
