package io.wharf.dispatcher.executor;

import java.io.IOException;

import io.wharf.supervisor.RunResult;

/** Runs a function's script for one execution, somewhere isolated, under the function's limits and timeout. */
public interface ScriptExecutor {

    /**
     * Runs the script to its end (or its timeout). Output goes to the workspace's log file.
     *
     * @throws IOException when the run could not be started: a platform failure, retried
     */
    RunResult run(ExecutionRequest request) throws IOException, InterruptedException;

    /** Removes what a previous attempt of this execution may have left running (after a dispatcher crash). */
    void cleanUp(String executionId);

    /** For logs and the capacity report. */
    String kind();
}
