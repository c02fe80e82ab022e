package io.wharf.dispatcher.kubernetes;

import java.time.Duration;

/**
 * What the Job of one execution needs to know, every value already validated.
 *
 * @param executionId names the Job, its Secret and its labels
 * @param function the function's name
 * @param functionUid the function's uid (a label: tells its Jobs from those of an earlier function of the name)
 * @param image the function's image
 * @param cpuMillis the script's CPU, requested and limited
 * @param memoryBytes the script's memory, requested and limited
 * @param gpu whether the script gets a GPU
 * @param deadline the Job's deadline: the script's timeout, and the time it may wait to start
 */
public record JobPlan(
        String executionId,
        String function,
        String functionUid,
        String image,
        long cpuMillis,
        long memoryBytes,
        boolean gpu,
        Duration deadline) {
}
