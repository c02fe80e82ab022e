package io.wharf.dispatcher.executor;

import java.time.Duration;

import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.supervisor.Workspace;

/**
 * One script run to carry out.
 *
 * @param executionId names the run (and its container)
 * @param function the function
 * @param envelope the event
 * @param workspace holds the fetched input, the script and the event; receives the outputs and the log
 * @param inputFileName the input's name inside the workspace's input folder
 * @param timeout killed after this
 * @param cpuMillis CPU limit in millicores
 * @param memoryBytes memory limit in bytes
 */
public record ExecutionRequest(
        String executionId,
        FunctionDefinition function,
        Envelope envelope,
        Workspace workspace,
        String inputFileName,
        Duration timeout,
        long cpuMillis,
        long memoryBytes) {
}
