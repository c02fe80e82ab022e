package io.wharf.supervisor;

import java.time.Duration;

/**
 * How a script run ended.
 *
 * @param exitCode the script's exit code; meaningless when {@code timedOut}
 * @param timedOut the run was killed for outliving its timeout
 * @param elapsed wall-clock time of the run
 */
public record RunResult(int exitCode, boolean timedOut, Duration elapsed) {

    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }
}
