package io.wharf.dispatcher.runtime;

import java.io.IOException;

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
     */
    Outcome carryOut(Attempt attempt) throws IOException, InterruptedException;

    /** Removes what an earlier attempt of this execution may have left running (after its dispatcher stopped). */
    void cleanUp(String executionId);

    /** Whether anything can run now: a platform failure while not is an outage, waited out without counting. */
    boolean available();

    /** For logs and the capacity report. */
    String kind();
}
