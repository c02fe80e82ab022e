package io.wharf.gateway.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.wharf.contracts.Violation;
import io.wharf.gateway.api.ApiException;

import okhttp3.MediaType;

/**
 * OSCAR's body of {@code POST /system/buckets/{bucket}/presign}.
 *
 * @param objectKey the object's key (leading and trailing '/' are dropped, as OSCAR does)
 * @param operation {@code upload} or {@code download}, in any case
 * @param expiresIn seconds the URL stays valid: 1 to 7 days' worth; 0 or absent for {@value #DEFAULT_EXPIRY}
 * @param contentType upload: the {@code Content-Type} the client must send; download: the one MinIO answers with
 * @param extraHeaders headers the client will send, bound into the signature
 */
public record PresignRequest(@JsonProperty("object_key") String objectKey,
        @JsonProperty("operation") String operation,
        @JsonProperty("expires_in") Long expiresIn,
        @JsonProperty("content_type") String contentType,
        @JsonProperty("extra_headers") Map<String, String> extraHeaders) {

    public static final int DEFAULT_EXPIRY = 900;
    /** S3's longest presigned URL: seven days. */
    public static final int MAX_EXPIRY = 604_800;

    private static final int MAX_KEY_BYTES = 1024;
    private static final int MAX_HEADERS = 50;
    private static final int MAX_VALUE_CHARS = 1024;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    /** Headers that are part of the request line or the signature itself, never the client's to choose. */
    private static final Set<String> RESERVED = Set.of("host", "authorization", "content-length", "x-amz-date",
            "x-amz-content-sha256", "x-amz-security-token", "content-md5");

    /** @throws ApiException 400 when the body is not such an object */
    public static PresignRequest parse(String body) {
        return JsonBody.read(body, PresignRequest.class);
    }

    /** @throws ApiException 400 naming each field that breaks a rule */
    public Valid validated() {
        List<Violation> violations = new ArrayList<>();
        String key = objectKey == null ? "" : BucketRequest.trimSlashes(objectKey.strip());
        if (key.isEmpty()) {
            violations.add(new Violation("object_key", "is required"));
        } else if (!isKey(key)) {
            violations.add(new Violation("object_key", "must be at most " + MAX_KEY_BYTES + " bytes of '/'-separated "
                    + "names, none empty, '.' or '..', without control characters"));
        }
        Operation op = Operation.parse(operation);
        if (op == null) {
            violations.add(new Violation("operation", operation == null || operation.isBlank()
                    ? "is required: upload or download"
                    : "must be upload or download"));
        }
        long expires = expiresIn == null || expiresIn == 0 ? DEFAULT_EXPIRY : expiresIn;
        if (expires < 1 || expires > MAX_EXPIRY) {
            violations.add(new Violation("expires_in", "must be 1-" + MAX_EXPIRY + " seconds (7 days); 0 or absent "
                    + "for " + DEFAULT_EXPIRY));
        }
        String type = contentType == null || contentType.isBlank() ? null : contentType.strip();
        if (type != null && (type.length() > MAX_VALUE_CHARS || MediaType.parse(type) == null)) {
            violations.add(new Violation("content_type", "must be a media type, such as text/plain or image/png"));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (op == Operation.UPLOAD && type != null) {
            headers.put("Content-Type", type);
        }
        Map<String, String> extra = extraHeaders == null ? Map.of() : extraHeaders;
        if (extra.size() > MAX_HEADERS) {
            violations.add(new Violation("extra_headers", "must hold at most " + MAX_HEADERS + " headers"));
        }
        extra.forEach((name, value) -> {
            String field = "extra_headers." + name;
            if (name == null || !TOKEN.matcher(name).matches()) {
                violations.add(new Violation(field, "must be named as HTTP headers are (letters, digits, '-', ...)"));
            } else if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                violations.add(new Violation(field, "is set by the client or the signature, not here"));
            } else if (value == null || value.length() > MAX_VALUE_CHARS || BucketRequest.hasControl(value)) {
                violations.add(new Violation(field, "must be a value of at most " + MAX_VALUE_CHARS
                        + " characters without control characters"));
            } else {
                headers.put(canonical(name), value.strip());
            }
        });
        BadInput.check(violations);
        return new Valid(key, op, (int) expires, type, headers);
    }

    /**
     * A valid request.
     *
     * @param headers what the client must send with the URL (bound into its signature)
     */
    public record Valid(String objectKey, Operation operation, int expiresIn, String contentType,
            Map<String, String> headers) {
    }

    /** What a presigned URL lets its holder do. */
    public enum Operation {

        UPLOAD("PUT"), DOWNLOAD("GET");

        private final String method;

        Operation(String method) {
            this.method = method;
        }

        public String method() {
            return method;
        }

        public String oscarName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Operation parse(String text) {
            if (text == null) {
                return null;
            }
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "upload" -> UPLOAD;
                case "download" -> DOWNLOAD;
                default -> null;
            };
        }
    }

    private static boolean isKey(String key) {
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES || BucketRequest.hasControl(key)) {
            return false;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** {@code x-amz-meta-color} as Go's {@code CanonicalHeaderKey} writes it: {@code X-Amz-Meta-Color}. */
    private static String canonical(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return out.toString();
    }
}
