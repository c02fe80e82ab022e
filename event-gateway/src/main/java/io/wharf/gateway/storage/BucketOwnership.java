package io.wharf.gateway.storage;

import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.api.ApiException;
import io.wharf.jetstream.BucketOwners;

/**
 * A function may read and write only buckets its owner owns: the first function that names a new bucket claims it
 * for its owner; a bucket another user owns, or one that exists in MinIO without an owner in Wharf (created outside
 * Wharf, maybe holding someone's data), is refused with 403.
 */
@ApplicationScoped
public class BucketOwnership {

    private final BucketOwners owners;
    private final StorageSetup storage;

    public BucketOwnership(Connection connection, StorageSetup storage) {
        this.owners = new BucketOwners(connection);
        this.storage = storage;
    }

    /** @throws ApiException 403 when one of the function's buckets is not, and cannot become, its owner's */
    public void claimFor(FunctionDefinition fn, String user) {
        for (String bucket : StoragePolicies.buckets(fn)) {
            String owner = owners.ownerOf(bucket).orElse(null);
            if (owner == null) {
                if (storage.bucketExists(bucket)) {
                    throw forbidden(bucket, "exists but belongs to no Wharf user; only the platform's operator can "
                            + "give it to one");
                }
                owner = owners.claim(bucket, user);
            }
            if (!owner.equals(user)) {
                throw forbidden(bucket, "belongs to another user");
            }
        }
    }

    /** Records the owner of a function's buckets that have none (functions stored before buckets had owners). */
    public void adopt(FunctionDefinition fn) {
        StoragePolicies.buckets(fn).forEach(bucket -> owners.claim(bucket, fn.owner()));
    }

    private static ApiException forbidden(String bucket, String why) {
        return new ApiException(403, "Forbidden", "bucket '" + bucket + "' " + why
                + "; a function may read and write only its owner's buckets");
    }
}
