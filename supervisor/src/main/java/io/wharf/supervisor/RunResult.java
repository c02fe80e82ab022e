package io.wharf.supervisor;

import java.time.Duration;

/**
 * How a script run ended.
 *
 * @param exitCode the script's exit code; meaningless when {@code timedOut}
 * @param timedOut the run was killed for outliving its timeout
 * @param elapsed wall-clock time of the run
 * @param limitExceeded when the run was killed for exceeding a limit of the platform (disk), which one; else null
 */
public record RunResult(int exitCode, boolean timedOut, Duration elapsed, String limitExceeded) {

    public RunResult(int exitCode, boolean timedOut, Duration elapsed) {
        this(exitCode, timedOut, elapsed, null);
    }

    public boolean succeeded() {
        return !timedOut && limitExceeded == null && exitCode == 0;
    }

    /** The same ending, marked as killed for exceeding a limit. */
    public RunResult killedFor(String limit) {
        return new RunResult(exitCode, timedOut, elapsed, limit);
    }
}
