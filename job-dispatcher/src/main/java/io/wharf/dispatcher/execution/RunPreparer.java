package io.wharf.dispatcher.execution;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.executor.ExecutionRequest;
import io.wharf.dispatcher.executor.ScriptExecutor;
import io.wharf.supervisor.ScriptLauncher;
import io.wharf.supervisor.Supervisor;
import io.wharf.supervisor.Workspace;

/**
 * Makes a workspace ready for its script: the input fetched, the script, the event and the script's variables
 * written into the sandbox, everything handed to the user the script runs as; and the limits the run gets (the
 * function's, or the platform's defaults).
 */
@ApplicationScoped
public class RunPreparer {

    private final StorageAccess storage;
    private final ScriptExecutor executor;
    private final DispatcherConfig.Dispatcher config;
    private final FunctionLimits limits;

    public RunPreparer(StorageAccess storage, ScriptExecutor executor, DispatcherConfig config) {
        this.storage = storage;
        this.executor = executor;
        this.config = config.dispatcher();
        this.limits = FunctionLimits.of(config);
    }

    /**
     * @throws io.wharf.contracts.UnsafeKeyException when the input's key cannot name a local file safely
     * @throws IOException when the store cannot be read or the workspace written
     */
    public ExecutionRequest prepare(String executionId, Envelope envelope, FunctionDefinition fn, Workspace ws)
            throws IOException {
        String input = storage.supervisorFor(fn).fetch(envelope, fn, ws);
        ScriptLauncher.writeEnvironment(ws.environmentFile(),
                Supervisor.scriptEnvironment(envelope, fn, executionId, executor.paths(ws), input));
        ws.handTo(executor.scriptUser());
        long max = config.maxWorkspaceSize().asLongValue();
        return new ExecutionRequest(executionId, fn, envelope, ws, limits.timeout(fn), limits.cpuMillis(fn),
                limits.memoryBytes(fn), workspaceLimit(ws, max));
    }

    /** What the script adds to its workspace beyond what it was given, watched while it runs. */
    private static Function<Path, String> workspaceLimit(Workspace ws, long maxBytes) {
        long given = ws.size();
        return sandbox -> Workspace.sizeOf(sandbox) - given > maxBytes
                ? "wrote more than " + maxBytes + " bytes into its workspace"
                : null;
    }
}
