package io.wharf.jetstream;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.nats.client.Connection;
import io.wharf.contracts.Names;
import io.wharf.contracts.function.Visibility;

/**
 * Which Wharf user owns each bucket of the platform's MinIO ({@value Names#BUCKETS_BUCKET}, keyed by bucket name), and
 * with whom the owner shares it. The first claim wins (compare-and-set); a bucket keeps its owner when the functions
 * using it are deleted, so its data never passes to someone else. Sharing changes are compare-and-set too: two
 * changes made at once never silently undo each other.
 */
public final class BucketOwners {

    private final TypedBucket<Owner> bucket;

    public BucketOwners(Connection connection) {
        this.bucket = TypedBucket.ofJson(connection, Names.BUCKETS_BUCKET, Owner.class);
    }

    public Optional<String> ownerOf(String bucketName) {
        return get(bucketName).map(v -> v.value().user());
    }

    /** The bucket's record, with the revision an {@link #update} must name. */
    public Optional<Versioned<Owner>> get(String bucketName) {
        return bucket.get(bucketName);
    }

    /**
     * Records {@code user} as the bucket's owner unless it has one.
     *
     * @return the bucket's owner: {@code user}, or whoever claimed it first
     */
    public String claim(String bucketName, String user) {
        try {
            bucket.create(bucketName, Owner.privateTo(user));
            return user;
        } catch (ConflictException taken) {
            return ownerOf(bucketName).orElse(user);
        }
    }

    /** @throws ConflictException when the bucket has an owner already */
    public void create(String bucketName, Owner owner) {
        bucket.create(bucketName, owner);
    }

    /** @throws ConflictException when the record changed since {@code revision} was read */
    public void update(String bucketName, Owner owner, long revision) {
        bucket.update(bucketName, owner, revision);
    }

    /** Forgets the bucket's owner (once the bucket is gone: its name may then be claimed again). */
    public void remove(String bucketName) {
        bucket.delete(bucketName);
    }

    /** Every bucket Wharf knows an owner of. */
    public List<String> all() {
        return bucket.keys(">");
    }

    /** Every bucket Wharf knows an owner of, with its record, by name. */
    public Map<String, Owner> records() {
        Map<String, Owner> records = new TreeMap<>();
        for (String name : all()) {
            get(name).ifPresent(v -> records.put(name, v.value()));
        }
        return records;
    }

    /** The buckets {@code user} owns. */
    public List<String> ownedBy(String user) {
        return records().entrySet().stream().filter(e -> e.getValue().isOwnedBy(user)).map(Map.Entry::getKey).toList();
    }

    /**
     * A bucket's owner and with whom they share it. Records written before buckets could be shared hold only the
     * user: they read as private.
     *
     * @param user the owning Wharf user
     * @param visibility OSCAR's bucket visibility: {@code private} (also when absent), {@code public} (every user) or
     *        {@code restricted} (the {@code allowedUsers})
     * @param allowedUsers with {@code restricted}, the users the bucket is shared with
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Owner(@JsonProperty("user") String user, @JsonProperty("visibility") String visibility,
            @JsonProperty("allowed_users") List<String> allowedUsers) {

        public Owner {
            allowedUsers = allowedUsers == null ? List.of() : allowedUsers.stream().filter(Objects::nonNull).toList();
        }

        /** A private bucket of {@code user}. */
        public static Owner privateTo(String user) {
            return new Owner(user, null, null);
        }

        /** The visibility; none means private, as in OSCAR. */
        public Visibility effectiveVisibility() {
            Visibility parsed = Visibility.parse(visibility);
            return parsed != null ? parsed : Visibility.PRIVATE;
        }

        public boolean isOwnedBy(String someone) {
            return user != null && user.equals(someone);
        }

        /** Whether the owner shares the bucket with {@code someone} (not its owner). */
        public boolean isSharedWith(String someone) {
            if (someone == null || isOwnedBy(someone)) {
                return false;
            }
            Visibility visibility = effectiveVisibility();
            return visibility == Visibility.PUBLIC
                    || visibility == Visibility.RESTRICTED && allowedUsers.contains(someone);
        }

        /** Whether {@code someone} owns the bucket or it is shared with them. */
        public boolean isVisibleTo(String someone) {
            return isOwnedBy(someone) || isSharedWith(someone);
        }
    }
}
