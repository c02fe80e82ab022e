package io.wharf.gateway.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsV2Response;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.minio.messages.ListBucketResultV2;
import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.api.ApiException;
import io.wharf.jetstream.StoreException;

/**
 * What the bucket API does in the platform's MinIO, with the root keys: creating a bucket (and a folder in it), listing
 * its objects one page at a time, emptying and removing it. Who may do so is decided by {@link Buckets} first.
 */
@ApplicationScoped
public class BucketContents {

    private static final Logger LOG = Logger.getLogger(BucketContents.class);
    /** S3 deletes at most this many objects in one request. */
    private static final int DELETE_BATCH = 1000;
    private static final Set<String> TAKEN = Set.of("BucketAlreadyOwnedByYou", "BucketAlreadyExists");
    private static final Set<String> BAD_PAGE = Set.of("InvalidArgument", "InvalidToken", "InvalidContinuationToken");

    private final MinioClient client;
    private final Lister lister;
    private final String region;

    public BucketContents(GatewayConfig config, MinioClient client) {
        GatewayConfig.Storage s = config.storage();
        this.client = client;
        this.lister = new Lister(MinioAsyncClient.builder()
                .endpoint(s.endpoint())
                .credentials(s.accessKey(), s.secretKey())
                .region(s.region())
                .build());
        this.region = s.region();
    }

    public boolean exists(String bucket) {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw failure("look up bucket " + bucket, e);
        }
    }

    /** @return whether the bucket was made; {@code false} when it exists already */
    public boolean create(String bucket) {
        try {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            LOG.infof("created bucket %s", bucket);
            return true;
        } catch (ErrorResponseException e) {
            if (TAKEN.contains(e.errorResponse().code())) {
                return false;
            }
            throw failure("create bucket " + bucket, e);
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw failure("create bucket " + bucket, e);
        }
    }

    /** Creates the empty object {@code folder} (ending in '/') that S3 clients show as a folder. */
    public void createFolder(String bucket, String folder) {
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket)
                    .object(folder)
                    .stream(new ByteArrayInputStream(new byte[0]), 0, -1)
                    .build());
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw failure("create folder " + folder + " in bucket " + bucket, e);
        }
    }

    /** Stores one object (the public API's upload, {@code PUT /system/buckets/{bucket}/objects/{key}}). */
    public void put(String bucket, String key, byte[] content, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .contentType(contentType)
                    .stream(new ByteArrayInputStream(content), content.length, -1)
                    .build());
        } catch (ErrorResponseException e) {
            if ("NoSuchBucket".equals(e.errorResponse().code())) {
                throw ApiException.notFound("no bucket named '" + bucket + "'");
            }
            throw failure("store " + key + " in bucket " + bucket, e);
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw failure("store " + key + " in bucket " + bucket, e);
        }
    }

    /**
     * Opens one object for reading; the caller closes it.
     *
     * @return the object's content, or empty when the bucket or the object does not exist
     */
    public Optional<GetObjectResponse> open(String bucket, String key) {
        try {
            return Optional.of(client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()));
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchBucket".equals(code)) {
                return Optional.empty();
            }
            throw failure("read " + key + " from bucket " + bucket, e);
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw failure("read " + key + " from bucket " + bucket, e);
        }
    }

    /**
     * One page of the bucket's objects, in key order (S3's ListObjectsV2).
     *
     * @param token the continuation token of the page before, or {@code null} for the first page
     * @return the page, or empty when the bucket does not exist in MinIO
     * @throws ApiException 400 naming {@code page} when MinIO refuses the token
     */
    public Optional<ObjectPage> page(String bucket, String token, int size) {
        try {
            ListBucketResultV2 result = lister.page(bucket, region, token, size).result();
            List<BucketPage.ObjectView> objects = new ArrayList<>();
            for (Item item : result.contents()) {
                item.setEncodingType(result.encodingType());
                objects.add(new BucketPage.ObjectView(item.objectName(), item.size(), item.lastModified() == null
                        ? null
                        : DateTimeFormatter.ISO_INSTANT
                                .format(item.lastModified().withZoneSameInstant(ZoneOffset.UTC))));
            }
            String next = result.isTruncated() ? result.nextContinuationToken() : null;
            return Optional.of(new ObjectPage(objects, next));
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchBucket".equals(code)) {
                return Optional.empty();
            }
            if (token != null && BAD_PAGE.contains(code)) {
                throw BadInput.of("page", "must be a next_page value this bucket's listing returned");
            }
            throw failure("list bucket " + bucket, e);
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw failure("list bucket " + bucket, e);
        }
    }

    /**
     * Deletes every object of the bucket, then the bucket. A bucket already gone is not an error.
     *
     * @throws ApiException 409 when objects arrive while it is being emptied
     */
    public void delete(String bucket) {
        try {
            for (Optional<ObjectPage> page = page(bucket, null, DELETE_BATCH); page.isPresent()
                    && !page.get().objects().isEmpty(); page = page(bucket, null, DELETE_BATCH)) {
                removeObjects(bucket,
                        page.get().objects().stream().map(o -> new DeleteObject(o.objectName())).toList());
            }
            client.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());
            LOG.infof("deleted bucket %s", bucket);
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchBucket".equals(code)) {
                return;
            }
            if ("BucketNotEmpty".equals(code)) {
                throw new ApiException(409, "Conflict", "bucket '" + bucket + "' received objects while it was being "
                        + "deleted; delete it again");
            }
            throw failure("delete bucket " + bucket, e);
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw failure("delete bucket " + bucket, e);
        }
    }

    private void removeObjects(String bucket, List<DeleteObject> objects)
            throws MinioException, IOException, GeneralSecurityException {
        // the deletes happen as the results are read
        for (Result<DeleteError> result : client.removeObjects(RemoveObjectsArgs.builder()
                .bucket(bucket)
                .objects(objects)
                .build())) {
            DeleteError error = result.get();
            throw new StoreException("cannot delete " + error.objectName() + " from bucket " + bucket + ": "
                    + error.message(), null);
        }
    }

    private static StoreException failure(String what, Exception e) {
        return new StoreException("cannot " + what + ": " + e.getMessage(), e);
    }

    /** MinIO's client, for the one call it keeps protected: a single ListObjectsV2 request with its continuation. */
    private static final class Lister extends MinioAsyncClient {

        Lister(MinioAsyncClient client) {
            super(client);
        }

        ListObjectsV2Response page(String bucket, String region, String token, int size)
                throws MinioException, IOException, GeneralSecurityException {
            return listObjectsV2(bucket, region, null, "url", null, size, null, token, false, false, null, null);
        }
    }
}
