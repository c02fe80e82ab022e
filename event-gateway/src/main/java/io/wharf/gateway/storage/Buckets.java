package io.wharf.gateway.storage;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.wharf.contracts.Violation;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.Visibility;
import io.wharf.gateway.api.ApiException;
import io.wharf.jetstream.BucketOwners;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.StoreException;
import io.wharf.jetstream.Versioned;

/**
 * The rules of OSCAR's bucket API, with Wharf's ownership ({@link BucketOwners}): a user sees the buckets they own and
 * those shared with them ({@code public}, or {@code restricted} naming them); to anyone else a bucket does not exist
 * (404). Only its owner, or an operator, changes a bucket's sharing or deletes it (403 for the users it is shared
 * with), and a bucket a function still uses is not deleted (409 naming the functions). Sharing is real: the MinIO
 * policies of every user a change touches are recomputed ({@link UserStorage#refresh}).
 */
@ApplicationScoped
public class Buckets {

    /** Objects per page of {@link #read}, as OSCAR pages them. */
    public static final int PAGE_SIZE = 70;

    private static final Logger LOG = Logger.getLogger(Buckets.class);
    private static final int MAX_PAGE_CHARS = 1024;

    private final BucketOwners owners;
    private final BucketContents contents;
    private final Presigner presigner;
    private final FunctionStore functions;
    private final UserStorage users;

    public Buckets(Connection connection, BucketContents contents, Presigner presigner, FunctionStore functions,
            UserStorage users) {
        this.owners = new BucketOwners(connection);
        this.contents = contents;
        this.presigner = presigner;
        this.functions = functions;
        this.users = users;
    }

    /**
     * Who asks.
     *
     * @param operator operators see, change and delete every bucket Wharf knows an owner of
     */
    public record Requester(String user, boolean operator) {

        boolean maySee(BucketOwners.Owner bucket) {
            return operator || bucket.isVisibleTo(user);
        }

        boolean mayChange(BucketOwners.Owner bucket) {
            return operator || bucket.isOwnedBy(user);
        }
    }

    /** The buckets the requester may see, by name. */
    public List<BucketView> list(Requester requester) {
        Set<String> used = usedByFunctions();
        return owners.records()
                .entrySet()
                .stream()
                .filter(e -> requester.maySee(e.getValue()))
                .map(e -> view(e.getKey(), e.getValue(), used))
                .toList();
    }

    /**
     * Creates the bucket (and its folder) in MinIO, owned by the requester.
     *
     * @throws ApiException 409 when the bucket exists, in Wharf or only in MinIO
     */
    public void create(BucketRequest.Valid request, Requester requester) {
        String bucket = request.bucket();
        if (owners.get(bucket).isPresent() || contents.exists(bucket)) {
            throw exists(bucket);
        }
        BucketOwners.Owner owner = request.ownedBy(requester.user());
        try {
            owners.create(bucket, owner);
        } catch (ConflictException raced) {
            throw exists(bucket);
        }
        boolean created;
        try {
            created = contents.create(bucket);
        } catch (StoreException e) {
            release(bucket);
            throw e;
        }
        if (!created) {
            // made outside Wharf since it was looked up: not the requester's to take
            release(bucket);
            throw exists(bucket);
        }
        if (!request.folder().isEmpty()) {
            contents.createFolder(bucket, request.folder());
        }
        users.refresh(users.affectedByBucket(owner, null));
        LOG.infof("bucket %s created by %s (%s)", bucket, requester.user(), owner.effectiveVisibility().oscarName());
    }

    /**
     * The bucket with one page of its objects.
     *
     * @param page the {@code next_page} of the page before, or {@code null}
     * @throws ApiException 404 when the requester may not see the bucket, or it is gone from MinIO
     */
    public BucketPage read(String bucket, String page, Requester requester) {
        BucketOwners.Owner owner = visible(bucket, requester).value();
        String token = page == null || page.isEmpty() ? null : page;
        if (token != null && (token.length() > MAX_PAGE_CHARS || BucketRequest.hasControl(token))) {
            throw BadInput.of("page", "must be a next_page value this bucket's listing returned");
        }
        ObjectPage objects = contents.page(bucket, token, PAGE_SIZE).orElseThrow(() -> notFound(bucket));
        return BucketPage.of(view(bucket, owner, usedByFunctions()), objects);
    }

    /**
     * Changes who the bucket is shared with.
     *
     * @throws ApiException 404 when the requester may not see the bucket, 403 when they may not change it, 409 when
     *         it changed meanwhile
     */
    public void update(BucketRequest.Valid request, Requester requester) {
        Versioned<BucketOwners.Owner> current = changeable(request.bucket(), requester);
        BucketOwners.Owner next = request.ownedBy(current.value().user());
        try {
            owners.update(request.bucket(), next, current.revision());
        } catch (ConflictException raced) {
            throw new ApiException(409, "Conflict", "bucket '" + request.bucket() + "' changed meanwhile; try again");
        }
        users.refresh(users.affectedByBucket(next, current.value()));
        LOG.infof("bucket %s made %s by %s", request.bucket(), next.effectiveVisibility().oscarName(),
                requester.user());
    }

    /**
     * Deletes the bucket's objects, the bucket, then its owner (so its name is free again): a delete that fails half
     * way can be repeated.
     *
     * @throws ApiException 404, 403 as {@link #update}; 409 when functions still use the bucket
     */
    public void delete(String bucket, Requester requester) {
        Versioned<BucketOwners.Owner> current = changeable(bucket, requester);
        List<String> using = functions.list()
                .stream()
                .filter(fn -> StoragePolicies.buckets(fn).contains(bucket))
                .map(FunctionDefinition::name)
                .sorted()
                .toList();
        if (!using.isEmpty()) {
            throw new ApiException(409, "Conflict", "bucket '" + bucket + "' is used by function(s) "
                    + String.join(", ", using) + "; delete them or change their input and output first");
        }
        contents.delete(bucket);
        owners.remove(bucket);
        users.refresh(users.affectedByBucket(null, current.value()));
        LOG.infof("bucket %s deleted by %s", bucket, requester.user());
    }

    /** @throws ApiException 404 when the requester may not see the bucket */
    public PresignedUrl presign(String bucket, PresignRequest.Valid request, Requester requester) {
        visible(bucket, requester);
        return presigner.presign(bucket, request);
    }

    /**
     * Stores one object in a bucket through the gateway, for clients that do not speak S3 (the web UI's uploads). The
     * same rule as {@link #presign}: whoever may see the bucket may put objects in it.
     *
     * @return the object's key, as stored
     * @throws ApiException 404 when the requester may not see the bucket, 400 naming {@code object_key} when the key
     *         is not one
     */
    public String upload(String bucket, String key, byte[] content, String contentType, Requester requester) {
        visible(bucket, requester);
        String valid = objectKey(key);
        contents.put(bucket, valid, content, contentType);
        LOG.infof("object %s/%s (%d bytes) uploaded by %s", bucket, valid, content.length, requester.user());
        return valid;
    }

    /**
     * Opens one object of a bucket for reading through the gateway; the caller closes it.
     *
     * @throws ApiException 404 when the requester may not see the bucket or the object does not exist
     */
    public InputStream download(String bucket, String key, Requester requester) {
        visible(bucket, requester);
        String valid = objectKey(key);
        return contents.open(bucket, valid)
                .orElseThrow(() -> ApiException.notFound("no object '" + valid + "' in bucket '" + bucket + "'"));
    }

    /** The key as presigned URLs take it ({@link PresignRequest#validated}). */
    public static String objectKey(String key) {
        return new PresignRequest(key, PresignRequest.Operation.DOWNLOAD.oscarName(), null, null, null).validated()
                .objectKey();
    }

    private Versioned<BucketOwners.Owner> visible(String bucket, Requester requester) {
        if (!BucketNames.isValid(bucket)) {
            throw notFound(bucket);
        }
        return owners.get(bucket).filter(v -> requester.maySee(v.value())).orElseThrow(() -> notFound(bucket));
    }

    private Versioned<BucketOwners.Owner> changeable(String bucket, Requester requester) {
        Versioned<BucketOwners.Owner> current = visible(bucket, requester);
        if (!requester.mayChange(current.value())) {
            throw new ApiException(403, "Forbidden", "bucket '" + bucket + "' is shared with you; only its owner ("
                    + current.value().user() + ") may change or delete it");
        }
        return current;
    }

    private void release(String bucket) {
        try {
            owners.remove(bucket);
        } catch (RuntimeException e) {
            LOG.warnf("bucket %s: claim not released (%s); an operator may remove it from the buckets' owners", bucket,
                    e.getMessage());
        }
    }

    private Set<String> usedByFunctions() {
        return functions.list()
                .stream()
                .flatMap(fn -> StoragePolicies.buckets(fn).stream())
                .collect(Collectors.toSet());
    }

    private static BucketView view(String bucket, BucketOwners.Owner owner, Set<String> usedByFunctions) {
        Visibility visibility = owner.effectiveVisibility();
        return new BucketView(bucket, visibility.oscarName(),
                visibility == Visibility.RESTRICTED ? owner.allowedUsers() : List.of(), owner.user(),
                Map.of("service", Boolean.toString(usedByFunctions.contains(bucket))));
    }

    private static ApiException exists(String bucket) {
        return new ApiException(409, "Conflict", "bucket_name: bucket '" + bucket + "' exists already",
                List.of(new Violation("bucket_name", "must name a bucket that does not exist yet")));
    }

    private static ApiException notFound(String bucket) {
        return ApiException.notFound("no bucket named '" + bucket + "'");
    }
}
