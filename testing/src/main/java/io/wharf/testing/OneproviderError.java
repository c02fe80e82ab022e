package io.wharf.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer of the {@link OneproviderServer}, thrown by its handlers and sent in Onedata's shape
 * {@code {"error":{"id":...,"details":{...},"description":...}}} (or with an empty body, as CDMI answers 404).
 */
final class OneproviderError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String id;
    final transient Map<String, Object> details;
    final boolean emptyBody;

    private OneproviderError(int status, String id, Map<String, Object> details, String description,
            boolean emptyBody) {
        super(description);
        this.status = status;
        this.id = id;
        this.details = details;
        this.emptyBody = emptyBody;
    }

    static OneproviderError of(int status, String id, Map<String, Object> details, String description) {
        return new OneproviderError(status, id, details, description, false);
    }

    /** A POSIX error such as {@code enoent}: HTTP 400 with id {@code posix} and {@code details.errno}. */
    static OneproviderError posix(String errno) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("errno", errno);
        return of(400, "posix", details, "Operation failed with POSIX error: " + errno + ".");
    }

    static OneproviderError unauthorized() {
        return of(401, "unauthorized", Map.of(), "You must authenticate yourself to perform this operation.");
    }

    static OneproviderError forbidden() {
        return of(403, "forbidden", Map.of(), "You are not authorized to perform this operation.");
    }

    static OneproviderError notFound() {
        return of(404, "notFound", Map.of(), "The resource could not be found.");
    }

    /** A 404 with no body, as CDMI answers for a missing object or container. */
    static OneproviderError notFoundEmpty() {
        return new OneproviderError(404, "notFound", Map.of(), "The resource could not be found.", true);
    }

    static OneproviderError missing(String key) {
        return of(400, "missingRequiredValue", Map.of("key", key), "Missing required value: " + key + ".");
    }

    static OneproviderError badValue(String key, String description) {
        return of(400, "badValue", Map.of("key", key), "Bad value: " + description);
    }

    static OneproviderError badJson(String key) {
        return of(400, "badValueJSON", Map.of("key", key), "Bad value: provided \"" + key + "\" must be valid JSON.");
    }

    /** The JSON answer body. */
    Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("id", id);
        error.put("details", details);
        error.put("description", getMessage());
        return Map.of("error", error);
    }
}
