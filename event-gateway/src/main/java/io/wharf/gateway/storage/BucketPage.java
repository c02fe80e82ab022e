package io.wharf.gateway.storage;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A bucket with one page of its objects, as OSCAR's {@code GET /system/buckets/{bucket}} answers.
 *
 * @param nextPage the {@code page} to ask for next; absent on the last page
 * @param returnedItems how many objects this page holds
 */
public record BucketPage(@JsonProperty("bucket_name") String bucketName,
        @JsonProperty("visibility") String visibility,
        @JsonProperty("allowed_users") List<String> allowedUsers,
        @JsonProperty("owner") String owner,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("objects") List<ObjectView> objects,
        @JsonProperty("next_page") @JsonInclude(JsonInclude.Include.NON_NULL) String nextPage,
        @JsonProperty("is_truncated") boolean isTruncated,
        @JsonProperty("returned_items") int returnedItems) {

    static BucketPage of(BucketView bucket, ObjectPage page) {
        List<ObjectView> objects = page.objects();
        return new BucketPage(bucket.bucketName(), bucket.visibility(), bucket.allowedUsers(), bucket.owner(),
                bucket.metadata(), objects, page.next(), page.next() != null, objects.size());
    }

    /** OSCAR's {@code MinIOObject}. */
    public record ObjectView(@JsonProperty("object_name") String objectName,
            @JsonProperty("size_bytes") long sizeBytes,
            @JsonProperty("last_modified") @JsonInclude(JsonInclude.Include.NON_NULL) String lastModified) {
    }
}
