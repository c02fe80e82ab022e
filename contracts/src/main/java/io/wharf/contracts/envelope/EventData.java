package io.wharf.contracts.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code data} of an envelope.
 *
 * @param provider {@code minio}, {@code s3}, {@code onedata}, or {@code api}/{@code nats} for invocations
 * @param providerId the storage provider's identifier in the function definition ({@code default} for the platform's)
 * @param bucket the bucket (or Onedata space) holding the object; absent for invocations
 * @param key the object key, decoded; absent for invocations
 * @param size the object's size in bytes, when the provider said
 * @param etag the object's ETag, when the provider said
 * @param contentType the object's (or invocation body's) media type, when known
 * @param body base64 of an invocation's body, which becomes the execution's input file
 * @param raw the original event, so that a script can read it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventData(
        String provider,
        String providerId,
        String bucket,
        String key,
        Long size,
        String etag,
        String contentType,
        String body,
        JsonNode raw) {

    public static EventData object(String provider, String providerId, String bucket, String key, Long size,
            String etag, String contentType, JsonNode raw) {
        return new EventData(provider, providerId, bucket, key, size, etag, contentType, null, raw);
    }

    public static EventData invocation(String provider, String bodyBase64, String contentType, JsonNode raw) {
        return new EventData(provider, null, null, null, null, null, contentType, bodyBase64, raw);
    }
}
