package io.wharf.dispatcher.runtime;

import java.io.IOException;
import java.util.List;

import io.wharf.contracts.capacity.NodeCapacity;
import io.wharf.contracts.capacity.Resources;

/**
 * Where and how one attempt of an execution is carried out, from its input to its delivered outputs: on this machine
 * (the dispatcher fetches, a container or a process runs the script, the dispatcher delivers) or, for the Kubernetes
 * executor, in a Job's pod. The {@link io.wharf.dispatcher.execution.ExecutionHandler} around it owns everything else:
 * the record and its claims, heartbeats, retries, dead letters, the log and the ack.
 */
public interface ExecutionRuntime {

    /**
     * Carries out one attempt: the script on its input and, when it succeeds, its outputs delivered.
     *
     * @return how the script ended and what was delivered
     * @throws IOException when the platform failed (storage, engine, cluster): the attempt is retried
     * @throws io.wharf.contracts.UnsafeKeyException when the input's key cannot name a file: never retried
     * @throws io.wharf.supervisor.EndpointGuard.ForbiddenEndpointException when a store is forbidden: never retried
     * @throws RefusedAttempt when the function asks for what this platform will not give it: never retried
     */
    Outcome carryOut(Attempt attempt) throws IOException, InterruptedException;

    /** The execution was removed while it ran (its function deleted): stops it and removes what it left. */
    void stop(String executionId);

    /**
     * This dispatcher is stopping during the attempt, which is handed back for another dispatcher to take over. On
     * this machine the script must not outlive its dispatcher, so it is stopped; a Job runs on without it.
     */
    default void handBack(String executionId) {
        stop(executionId);
    }

    /**
     * A new attempt takes over from a dispatcher that stopped: on this machine what it left running is removed; a Job
     * it started is adopted by {@link #carryOut} instead.
     */
    default void takeOver(String executionId) {
        stop(executionId);
    }

    /** Whether anything can run now: a platform failure while not is an outage, waited out without counting. */
    boolean available();

    /** For logs and the capacity report. */
    String kind();

    /**
     * Where executions run, with what each place can give and what is left of it: the cluster's nodes, or this
     * machine (less {@code inUse}, what this dispatcher's running executions request). Empty when unknown.
     */
    List<NodeCapacity> capacity(Resources inUse);
}
