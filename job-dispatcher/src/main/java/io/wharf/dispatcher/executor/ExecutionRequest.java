package io.wharf.dispatcher.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.supervisor.Workspace;

/**
 * One script run to carry out. The workspace is ready: input fetched, script, event and variables written, handed to
 * the script's user.
 *
 * @param executionId names the run (and its container)
 * @param function the function
 * @param envelope the event
 * @param workspace holds the sandbox the script sees, and the log
 * @param timeout killed after this
 * @param cpuMillis CPU limit in millicores
 * @param memoryBytes memory limit in bytes
 * @param limits asked while the script runs, with the folder that holds the sandbox's files then (the workspace's
 *        sandbox, or a warm worker's): names the limit the run exceeded (the workspace's size), or is null
 */
public record ExecutionRequest(
        String executionId,
        FunctionDefinition function,
        Envelope envelope,
        Workspace workspace,
        Duration timeout,
        long cpuMillis,
        long memoryBytes,
        Function<Path, String> limits) {
}
