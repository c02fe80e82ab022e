package io.wharf.supervisor;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Keeps an execution's log to a bounded size: a script printing without end must not fill the log store. */
public final class LogFiles {

    private LogFiles() {
    }

    /**
     * Cuts the middle out of a log longer than {@code maxBytes}, keeping its first and last halves (where the start
     * and the error usually are) and saying how much was cut.
     *
     * @return whether the log was cut
     */
    public static boolean capTo(Path log, long maxBytes) throws IOException {
        long size = Files.size(log);
        if (size <= maxBytes) {
            return false;
        }
        long keep = maxBytes / 2;
        byte[] head = new byte[(int) keep];
        byte[] tail = new byte[(int) keep];
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
            file.readFully(head);
            file.seek(size - keep);
            file.readFully(tail);
            byte[] marker = ("\n[wharf: " + (size - 2 * keep) + " bytes of this log were cut]\n")
                    .getBytes(StandardCharsets.UTF_8);
            file.seek(keep);
            file.write(marker);
            file.write(tail);
            file.setLength(keep + marker.length + keep);
        }
        return true;
    }

    /** The log's bytes from {@code offset} on, at most {@code limit} of them (an absent log has none). */
    public static byte[] readFrom(Path log, long offset, int limit) throws IOException {
        if (!Files.exists(log)) {
            return new byte[0];
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long available = Math.max(0, file.length() - offset);
            byte[] bytes = new byte[(int) Math.min(available, limit)];
            file.seek(offset);
            file.readFully(bytes);
            return bytes;
        }
    }
}
