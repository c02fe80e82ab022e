package io.wharf.jetstream;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.nats.client.Connection;
import io.wharf.contracts.Names;

/**
 * Which Wharf user owns each bucket of the platform's MinIO ({@value Names#BUCKETS_BUCKET}, keyed by bucket name).
 * The first claim wins (compare-and-set); a bucket keeps its owner when the functions using it are deleted, so its
 * data never passes to someone else.
 */
public final class BucketOwners {

    private final TypedBucket<Owner> bucket;

    public BucketOwners(Connection connection) {
        this.bucket = TypedBucket.ofJson(connection, Names.BUCKETS_BUCKET, Owner.class);
    }

    public Optional<String> ownerOf(String bucketName) {
        return bucket.get(bucketName).map(v -> v.value().user());
    }

    /**
     * Records {@code user} as the bucket's owner unless it has one.
     *
     * @return the bucket's owner: {@code user}, or whoever claimed it first
     */
    public String claim(String bucketName, String user) {
        try {
            bucket.create(bucketName, new Owner(user));
            return user;
        } catch (ConflictException taken) {
            return ownerOf(bucketName).orElse(user);
        }
    }

    /** Every bucket Wharf knows an owner of. */
    public List<String> all() {
        return bucket.keys(">");
    }

    /** The buckets {@code user} owns. */
    public List<String> ownedBy(String user) {
        return all().stream().filter(b -> ownerOf(b).filter(user::equals).isPresent()).toList();
    }

    record Owner(@JsonProperty("user") String user) {
    }

}
