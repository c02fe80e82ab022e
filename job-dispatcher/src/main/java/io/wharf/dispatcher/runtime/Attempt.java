package io.wharf.dispatcher.runtime;

import java.util.function.BooleanSupplier;

import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.supervisor.Workspace;

/**
 * One attempt of an execution, as the handler hands it to a runtime.
 *
 * @param executionId the execution
 * @param envelope its event
 * @param function the function's definition, secrets opened
 * @param workspace this attempt's folder on the dispatcher (its log, and for local runs the sandbox)
 * @param started to call once, just before the script starts: the record turns Running
 * @param cancelled whether the execution was removed meanwhile (its function deleted): then nothing is delivered
 */
public record Attempt(
        String executionId,
        Envelope envelope,
        FunctionDefinition function,
        Workspace workspace,
        Runnable started,
        BooleanSupplier cancelled) {
}
