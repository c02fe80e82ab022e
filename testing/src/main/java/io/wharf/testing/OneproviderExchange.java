package io.wharf.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * One request to the {@link OneproviderServer} and its answer: the path with repeated slashes collapsed, query and
 * headers, the body, and the ways to answer (JSON, bytes with Range support, redirects, errors, chunked streams).
 */
final class OneproviderExchange {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String APPLICATION_JSON = "application/json";

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final HttpExchange http;
    private final String path;
    private Map<String, List<String>> query;
    private byte[] body;

    OneproviderExchange(HttpExchange http) {
        this.http = http;
        this.path = http.getRequestURI().getRawPath().replaceAll("/{2,}", "/");
    }

    // ---------------------------------------------------------------------------------------------- request

    String method() {
        return http.getRequestMethod().toUpperCase(Locale.ROOT);
    }

    /** The raw (still percent-encoded) path, repeated slashes collapsed. */
    String path() {
        return path;
    }

    String rawQuery() {
        String raw = http.getRequestURI().getRawQuery();
        return raw == null ? "" : raw;
    }

    String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    /** Every value of a query parameter, in order (empty when absent). */
    List<String> query(String name) {
        if (query == null) {
            query = new LinkedHashMap<>();
            for (String pair : rawQuery().split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    String key = formDecode(eq < 0 ? pair : pair.substring(0, eq));
                    String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
                    query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                }
            }
        }
        return query.getOrDefault(name, List.of());
    }

    /** The first value of a query parameter, or {@code null}. */
    String queryFirst(String name) {
        List<String> values = query(name);
        return values.isEmpty() ? null : values.get(0);
    }

    byte[] body() throws IOException {
        if (body == null) {
            body = http.getRequestBody().readAllBytes();
        }
        return body;
    }

    /** The body as JSON, {@code null} when empty; {@code badValueJSON} when it does not parse. */
    JsonNode jsonBody() throws IOException {
        byte[] bytes = body();
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw OneproviderError.badJson("body");
        }
    }

    // ---------------------------------------------------------------------------------------------- response

    void setHeader(String name, String value) {
        http.getResponseHeaders().set(name, value);
    }

    boolean responded() {
        return http.getResponseCode() != -1;
    }

    void json(int status, String contentType, Object value) throws IOException {
        bytes(status, contentType, JSON.writeValueAsBytes(value));
    }

    void bytes(int status, String contentType, byte[] data) throws IOException {
        if (contentType != null) {
            setHeader("Content-Type", contentType);
        }
        if (data.length == 0 || method().equals("HEAD")) {
            http.sendResponseHeaders(status, -1);
            return;
        }
        http.sendResponseHeaders(status, data.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(data);
        }
    }

    void empty(int status) throws IOException {
        bytes(status, null, new byte[0]);
    }

    void redirect(String location) throws IOException {
        setHeader("Location", location);
        setHeader("Cache-Control", "max-age=3600");
        empty(302);
    }

    void error(OneproviderError error) throws IOException {
        if (error.emptyBody) {
            empty(error.status);
        } else {
            json(error.status, APPLICATION_JSON, error.body());
        }
    }

    /** A file's bytes: 200, or 206 for a single {@code Range: bytes=a-b} (also {@code a-} and {@code -n}). */
    void content(String mimetype, byte[] data) throws IOException {
        setHeader("Accept-Ranges", "bytes");
        String header = header("Range");
        long[] range = header == null ? null : range(header.trim(), data.length);
        if (range == null) {
            bytes(200, mimetype, data);
            return;
        }
        setHeader("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + data.length);
        bytes(206, mimetype, Arrays.copyOfRange(data, (int) range[0], (int) range[1] + 1));
    }

    /** Starts a chunked 200 answer; each write to the stream should be followed by a flush. */
    OutputStream stream(String contentType) throws IOException {
        setHeader("Content-Type", contentType);
        http.sendResponseHeaders(200, 0);
        return http.getResponseBody();
    }

    private long[] range(String header, long size) {
        Matcher matcher = RANGE.matcher(header);
        if (!matcher.matches() || matcher.group(1).isEmpty() && matcher.group(2).isEmpty()) {
            return null;
        }
        long from;
        long to;
        try {
            if (matcher.group(1).isEmpty()) {
                from = Math.max(0, size - Long.parseLong(matcher.group(2)));
                to = size - 1;
            } else {
                from = Long.parseLong(matcher.group(1));
                to = matcher.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(matcher.group(2)), size - 1);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (from >= size || from > to) {
            setHeader("Content-Range", "bytes */" + size);
            throw OneproviderError.of(416, "badValue", Map.of("key", "range"), "Requested range not satisfiable.");
        }
        return new long[]{from, to};
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /**
     * The percent-decoded, non-empty segments of a raw path. {@code .} and {@code ..} are refused (400 posix
     * {@code einval}), and so are segments that decode to a slash.
     */
    static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (raw.isEmpty()) {
                continue;
            }
            String segment;
            try {
                segment = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OneproviderError.posix("einval");
            }
            if (segment.equals(".") || segment.equals("..") || segment.contains("/") || segment.indexOf(0) >= 0) {
                throw OneproviderError.posix("einval");
            }
            segments.add(segment);
        }
        return segments;
    }

    /** A JSON object from alternating keys and values, in that order. */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            object.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return object;
    }

    /** Epoch seconds as an ISO-8601 UTC instant, e.g. {@code 2024-05-14T09:12:30Z}. */
    static String iso(long epochSeconds) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSeconds));
    }

    private static String formDecode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OneproviderError.badValue("query", "malformed query string.");
        }
    }
}
