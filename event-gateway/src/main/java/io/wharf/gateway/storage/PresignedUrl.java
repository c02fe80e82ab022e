package io.wharf.gateway.storage;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OSCAR's answer to a presign request.
 *
 * @param method the HTTP method the URL is signed for: {@code PUT} (upload) or {@code GET} (download)
 * @param expiresAt when the URL stops working (RFC 3339, UTC)
 * @param headers what the client must send with the URL; absent when nothing
 */
public record PresignedUrl(@JsonProperty("object_key") String objectKey,
        @JsonProperty("operation") String operation,
        @JsonProperty("method") String method,
        @JsonProperty("url") String url,
        @JsonProperty("expires_at") String expiresAt,
        @JsonProperty("headers") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> headers) {
}
