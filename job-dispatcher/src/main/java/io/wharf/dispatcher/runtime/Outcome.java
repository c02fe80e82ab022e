package io.wharf.dispatcher.runtime;

import java.time.Duration;
import java.util.List;

import io.wharf.supervisor.RunResult;

/**
 * How an attempt ended.
 *
 * @param result how the script ended: its exit code, a timeout, a limit it exceeded
 * @param outputs where its outputs were delivered, as {@code bucket/key}; empty unless it succeeded
 * @param timeout the timeout it ran under
 * @param cancelled the execution was removed while it ran: nothing was delivered, nothing is to be recorded
 * @param response what a caller waiting for the execution ({@code POST /run}) gets, see
 *        {@link io.wharf.supervisor.RunResponses}; {@code null} when nobody waits, or it was too large to keep
 */
public record Outcome(RunResult result, List<String> outputs, Duration timeout, boolean cancelled, byte[] response) {

    public Outcome {
        outputs = List.copyOf(outputs);
    }

    public static Outcome ended(RunResult result, List<String> outputs, Duration timeout) {
        return new Outcome(result, outputs, timeout, false, null);
    }

    public static Outcome cancelledDuring(RunResult result, Duration timeout) {
        return new Outcome(result, List.of(), timeout, true, null);
    }

    /** The same outcome, with this response for the caller waiting for it. */
    public Outcome withResponse(byte[] body) {
        return new Outcome(result, outputs, timeout, cancelled, body);
    }

    /** Why the attempt failed, in a sentence; {@code null} when it succeeded. */
    public String failure() {
        if (result.limitExceeded() != null) {
            return "was killed: it " + result.limitExceeded();
        }
        if (result.timedOut()) {
            return "timed out after " + timeout.toSeconds() + "s and was killed";
        }
        return result.exitCode() == 0 ? null : "the script exited with " + result.exitCode();
    }
}
