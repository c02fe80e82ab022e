package io.wharf.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import org.jboss.logging.Logger;

import io.wharf.contracts.LogLines;

/**
 * Copies a process's output into its log, each line stamped with when it was read ({@link LogLines}), on a thread of
 * its own. Bytes pass as they are (a line may be as long, and as binary, as the script likes).
 */
public final class LogPump {

    private static final Logger LOG = Logger.getLogger(LogPump.class);
    private static final int BUFFER = 8192;

    private final Thread thread;

    private LogPump(Thread thread) {
        this.thread = thread;
    }

    static LogPump start(InputStream output, Path log) {
        return startOpening(() -> output, log);
    }

    /**
     * Opens the output on the pump's own thread, then copies it: for a named pipe, whose opening waits for its writer.
     */
    public static LogPump startOpening(Callable<InputStream> opener, Path log) {
        Thread thread = new Thread(() -> {
            try {
                copy(opener.call(), log);
            } catch (Exception e) {
                LOG.debugf("log pump into %s could not open its output: %s", log, e.getMessage());
            }
        }, "log-pump");
        thread.setDaemon(true);
        thread.start();
        return new LogPump(thread);
    }

    /** Waits for the output to end (the process and whatever inherited its output are gone), at most {@code atMost}. */
    public void finish(Duration atMost) throws InterruptedException {
        thread.join(atMost.toMillis());
        if (thread.isAlive()) {
            LOG.warnf("the output of a finished process is still open after %s; its log stops here", atMost);
            thread.interrupt();
        }
    }

    private static void copy(InputStream output, Path log) {
        byte[] buffer = new byte[BUFFER];
        boolean lineStart = true;
        try (InputStream in = output;
                OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                byte[] prefix = LogLines.prefix(Instant.now()).getBytes(StandardCharsets.US_ASCII);
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (lineStart) {
                        out.write(buffer, from, i - from);
                        out.write(prefix);
                        from = i;
                    }
                    lineStart = buffer[i] == '\n';
                }
                out.write(buffer, from, n - from);
                out.flush();
            }
        } catch (IOException e) {
            LOG.debugf("log pump into %s ended: %s", log, e.getMessage());
        }
    }
}
