package io.wharf.contracts;

import java.nio.charset.StandardCharsets;

/**
 * Object keys are never trusted as paths. A key only ever gives the input file its name: the last segment of the
 * key, checked, never joined to a folder as a path. Keys from S3 may hold anything a URL can.
 */
public final class ObjectKeys {

    /** Linux's NAME_MAX. */
    public static final int MAX_NAME_BYTES = 255;
    /** S3's limit on a key. */
    public static final int MAX_KEY_BYTES = 1024;

    private ObjectKeys() {
    }

    /**
     * The local file name for an object key: its last segment.
     *
     * @throws UnsafeKeyException for an empty key, a key over 1024 bytes, a key with NUL or other control characters,
     *         a key with a {@code ..} segment, or a key whose last segment is empty, {@code .}, or over 255 bytes
     */
    public static String fileName(String key) {
        if (key == null || key.isEmpty()) {
            throw new UnsafeKeyException(key, "is empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new UnsafeKeyException(key, "is longer than " + MAX_KEY_BYTES + " bytes");
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new UnsafeKeyException(key, "contains NUL or control characters");
        }
        String[] segments = key.split("/", -1);
        for (String segment : segments) {
            if (segment.equals("..")) {
                throw new UnsafeKeyException(key, "contains a '..' segment");
            }
        }
        String name = segments[segments.length - 1];
        if (name.isEmpty() || name.equals(".")) {
            throw new UnsafeKeyException(key, "names a folder, not a file");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new UnsafeKeyException(key, "has a file name longer than " + MAX_NAME_BYTES + " bytes");
        }
        return name;
    }

    /** The key for a log line or an error: control characters escaped, at most 200 characters. */
    public static String printable(String key) {
        if (key == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder("'");
        key.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.append(key.length() > 200 ? "…'" : "'").toString();
    }
}
