package io.wharf.contracts;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Execution logs are kept as Kubernetes keeps a container's log: each line starts with the time it was written (RFC
 * 3339, UTC) and one space. Readers show them with or without that time ({@code GET /system/logs/<fn>/<id>?timestamps=
 * true}, as OSCAR passes the option to Kubernetes). A line without a time (the marker where a long log was cut) is
 * shown as it is.
 */
public final class LogLines {

    private LogLines() {
    }

    /** What starts a line written at {@code time}. */
    public static String prefix(Instant time) {
        return time.toString() + " ";
    }

    /** {@code text}, each of its lines prefixed with {@code time}. */
    public static String stamped(String text, Instant time) {
        String prefix = prefix(time);
        StringBuilder out = new StringBuilder(text.length() + prefix.length());
        boolean lineStart = true;
        for (int i = 0; i < text.length(); i++) {
            if (lineStart) {
                out.append(prefix);
            }
            char c = text.charAt(i);
            out.append(c);
            lineStart = c == '\n';
        }
        return out.toString();
    }

    /** The log without the time at the start of each line. */
    public static byte[] withoutTimes(byte[] log) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(log.length);
        int line = 0;
        while (line < log.length) {
            int end = line;
            while (end < log.length && log[end] != '\n') {
                end++;
            }
            int from = line + timeLength(log, line, end);
            out.write(log, from, Math.min(end + 1, log.length) - from);
            line = end + 1;
        }
        return out.toByteArray();
    }

    /** {@link #withoutTimes(byte[])} of text. */
    public static String withoutTimes(String log) {
        return new String(withoutTimes(log.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /**
     * The length of the time and its space at {@code from}: {@code yyyy-mm-ddThh:mm:ss[.fraction]Z }, or 0 when the
     * line does not start with one. One pass, no regular expression.
     */
    private static int timeLength(byte[] b, int from, int end) {
        String shape = "dddd-dd-ddTdd:dd:dd";
        if (end - from < shape.length() + 2) {
            return 0;
        }
        for (int i = 0; i < shape.length(); i++) {
            byte c = b[from + i];
            boolean ok = shape.charAt(i) == 'd' ? c >= '0' && c <= '9' : c == shape.charAt(i);
            if (!ok) {
                return 0;
            }
        }
        int i = from + shape.length();
        if (b[i] == '.') {
            i++;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
        }
        if (i + 1 < end && b[i] == 'Z' && b[i + 1] == ' ') {
            return i + 2 - from;
        }
        return 0;
    }
}
