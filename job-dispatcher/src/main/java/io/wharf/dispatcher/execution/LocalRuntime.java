package io.wharf.dispatcher.execution;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.List;

import io.wharf.contracts.LogLines;
import io.wharf.contracts.capacity.NodeCapacity;
import io.wharf.contracts.capacity.Resources;
import io.wharf.dispatcher.executor.ExecutionRequest;
import io.wharf.dispatcher.executor.ScriptExecutor;
import io.wharf.dispatcher.runtime.Attempt;
import io.wharf.dispatcher.runtime.ExecutionRuntime;
import io.wharf.dispatcher.runtime.Outcome;
import io.wharf.dispatcher.runtime.RefusedAttempt;
import io.wharf.supervisor.LogFiles;
import io.wharf.supervisor.RunResponses;
import io.wharf.supervisor.RunResult;

/**
 * An attempt on this machine: the dispatcher fetches the input into the attempt's workspace, the configured
 * {@link ScriptExecutor} (a container or a process) runs the script, and the dispatcher delivers the outputs.
 */
public final class LocalRuntime implements ExecutionRuntime {

    /** What a shell reports for a child killed by SIGKILL. */
    private static final int SIGKILLED = 128 + 9;

    private final RunPreparer preparer;
    private final ScriptExecutor executor;
    private final StorageAccess storage;
    private final String host;

    public LocalRuntime(RunPreparer preparer, ScriptExecutor executor, StorageAccess storage, String host) {
        this.host = host;
        this.preparer = preparer;
        this.executor = executor;
        this.storage = storage;
    }

    @Override
    public Outcome carryOut(Attempt attempt) throws IOException, InterruptedException {
        if (!attempt.function().volumes().isEmpty()) {
            throw new RefusedAttempt("volumes-unsupported", "volumes are mounted only by the Kubernetes executor, and "
                    + "this platform runs executions with the " + executor.kind() + " executor");
        }
        ExecutionRequest request = preparer.prepare(attempt.executionId(), attempt.envelope(), attempt.function(),
                attempt.workspace());
        long scriptOutputStart = Files.exists(attempt.workspace().logFile())
                ? Files.size(attempt.workspace().logFile())
                : 0;
        attempt.started().run();
        RunResult result = executor.run(request);
        if (attempt.cancelled().getAsBoolean()) {
            return Outcome.cancelledDuring(result, request.timeout());
        }
        boolean killedByWharf = result.timedOut() || result.limitExceeded() != null;
        if (!killedByWharf && result.exitCode() != 0 && !attempt.workspace().scriptStarted()) {
            throw new EngineFailure(result.exitCode(), executor.kind());
        }
        if (!killedByWharf && result.exitCode() == SIGKILLED) {
            // not killed by Wharf (timeout, limit): by someone outside, the kernel, an evicting node
            throw new IOException("the script was killed (SIGKILL) from outside, or ran out of memory");
        }
        List<String> outputs = result.succeeded()
                ? storage.supervisorFor(attempt.function())
                        .deliver(attempt.function(), attempt.workspace(),
                                attempt.executionId())
                : List.of();
        Outcome outcome = Outcome.ended(result, outputs, request.timeout());
        if (!attempt.envelope().wantsReply()) {
            return outcome;
        }
        // the log's lines carry their times; an output that fills what is read may have been cut: not a response
        int limit = 4 * RunResponses.MAX_BYTES;
        byte[] stamped = LogFiles.readFrom(attempt.workspace().logFile(), scriptOutputStart, limit);
        if (stamped.length == limit) {
            return outcome;
        }
        return outcome.withResponse(RunResponses.of(attempt.workspace().outputDir(), LogLines.withoutTimes(stamped))
                .orElse(null));
    }

    @Override
    public void stop(String executionId) {
        executor.cleanUp(executionId);
    }

    @Override
    public boolean available() {
        return executor.available();
    }

    @Override
    public String kind() {
        return executor.kind();
    }

    /** This machine: its cores and memory, less what the running executions request. */
    @Override
    public List<NodeCapacity> capacity(Resources inUse) {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        Resources machine = new Resources(Runtime.getRuntime().availableProcessors() * 1000L, memory, 0);
        return List.of(new NodeCapacity(host, machine, machine.minus(inUse)));
    }
}
