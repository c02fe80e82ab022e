package io.wharf.dispatcher.kubernetes;

import java.time.Duration;
import java.util.List;

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
 * @param volumes the offered volumes the script's container mounts
 */
public record JobPlan(
        String executionId,
        String function,
        String functionUid,
        String image,
        long cpuMillis,
        long memoryBytes,
        boolean gpu,
        Duration deadline,
        List<Volume> volumes) {

    public JobPlan {
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    /**
     * A volume the script's container mounts.
     *
     * @param name the offered volume's name
     * @param claim its PersistentVolumeClaim
     * @param mountPath where the script sees it
     * @param readOnly whether it is mounted read-only
     */
    public record Volume(String name, String claim, String mountPath, boolean readOnly) {
    }
}
