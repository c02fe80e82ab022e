package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.util.Optional;

import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.ScriptUser;
import io.wharf.supervisor.Workspace;

/** Runs a function's script for one execution, somewhere isolated, under the function's limits and timeout. */
public interface ScriptExecutor {

    /**
     * Runs the script to its end (or its timeout). Output goes to the workspace's log file.
     *
     * @throws IOException when the run could not be started: a platform failure, retried
     */
    RunResult run(ExecutionRequest request) throws IOException, InterruptedException;

    /** The user a workspace is handed to before the run: the script's, when the dispatcher is root. */
    Optional<ScriptUser> scriptUser();

    /** Where the script sees its workspace (for the paths in its variables). */
    Workspace.ScriptPaths paths(Workspace workspace);

    /** Removes what a previous attempt of this execution may have left running (after a dispatcher crash). */
    void cleanUp(String executionId);

    /** For logs and the capacity report. */
    String kind();

    /** Whether the executor can run anything now (a container engine that answers); an outage when not. */
    default boolean available() {
        return true;
    }
}
