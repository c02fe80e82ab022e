package io.wharf.gateway.storage;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A bucket as OSCAR lists it ({@code MinIOBucket} without its objects).
 *
 * @param allowedUsers with {@code restricted}, the users it is shared with; empty otherwise
 * @param metadata OSCAR's bucket tags but the owner: {@code service} is {@code "true"} when a function uses it
 */
public record BucketView(@JsonProperty("bucket_name") String bucketName,
        @JsonProperty("visibility") String visibility,
        @JsonProperty("allowed_users") List<String> allowedUsers,
        @JsonProperty("owner") String owner,
        @JsonProperty("metadata") Map<String, String> metadata) {
}
