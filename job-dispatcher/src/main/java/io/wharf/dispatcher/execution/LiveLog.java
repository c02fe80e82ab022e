package io.wharf.dispatcher.execution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.StoreException;

/**
 * The log of a running execution, stored every {@code interval} while it grows (its last {@value #MAX_BYTES} bytes),
 * so that it can be followed before the execution ends. Closed before the final log is stored: no snapshot is taken
 * after {@link #close} returns, so a late one never replaces the whole log; none either once the run no longer speaks
 * for its execution (removed, or taken over by another dispatcher, whose log would be overwritten).
 */
final class LiveLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LiveLog.class);
    /** The end of the log a snapshot holds: enough to follow a script, little to write every few seconds. */
    static final long MAX_BYTES = 256 * 1024;

    private final LogStore logs;
    private final String executionId;
    private final Path file;
    private final BooleanSupplier current;
    private final ScheduledFuture<?> task;
    private boolean closed;
    private long storedSize = -1;
    private long storedModified = -1;

    private LiveLog(ScheduledExecutorService timer, Duration interval, LogStore logs, String executionId, Path file,
            BooleanSupplier current) {
        this.logs = logs;
        this.executionId = executionId;
        this.file = file;
        this.current = current;
        this.task = interval.isZero() || interval.isNegative()
                ? null
                : timer.scheduleWithFixedDelay(this::store, interval.toMillis(), interval.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    /**
     * Follows the log file of one execution; an interval of zero stores nothing.
     *
     * @param current whether the run still speaks for the execution; once not, nothing more is stored
     */
    static LiveLog follow(ScheduledExecutorService timer, Duration interval, LogStore logs, String executionId,
            Path file, BooleanSupplier current) {
        return new LiveLog(timer, interval, logs, executionId, file, current);
    }

    synchronized void store() {
        if (closed || !current.getAsBoolean()) {
            return;
        }
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            long modified = now.lastModifiedTime().toMillis();
            if (now.size() == storedSize && modified == storedModified) {
                return;
            }
            logs.putTail(executionId, file, MAX_BYTES);
            storedSize = now.size();
            storedModified = modified;
        } catch (java.io.IOException | StoreException e) {
            // not there yet, or NATS away for a moment: the next snapshot, or the final log, has it
            LOG.debugf("executionId=%s live log: %s", executionId, e.getMessage());
        }
    }

    /** Stops following; a snapshot under way finishes first. */
    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
        synchronized (this) {
            closed = true;
        }
    }
}
