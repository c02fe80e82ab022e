package io.wharf.gateway.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How pages write times, sizes and object keys in addresses. */
final class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private Formats() {
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    static String text(String s) {
        return s == null ? "" : s;
    }

    /** {@code 512 B}, {@code 1.5 KiB}, ... */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** Each '/'-separated segment of a key, percent-encoded for a URL path. */
    static String encodePath(String key) {
        StringBuilder out = new StringBuilder();
        String[] segments = key.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(URLEncoder.encode(segments[i], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    /** Where the UI downloads an object ({@code GET /system/buckets/{bucket}/objects/{key}} of the API). */
    static String fileHref(String bucketAndKey) {
        return "/ui/files/" + encodePath(bucketAndKey);
    }
}
