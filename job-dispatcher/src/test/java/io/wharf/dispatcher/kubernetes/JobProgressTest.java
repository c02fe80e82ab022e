package io.wharf.dispatcher.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;

/**
 * How a Job's and its pod's states read, for the states the control-plane tests cannot bring about: an evicted pod,
 * a failed fetch or delivery, an image without {@code /bin/sh}, a pod the scheduler cannot place.
 */
class JobProgressTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final Duration LIMIT = Duration.ofMinutes(5);

    @Test
    void shouldTellAPlatformFailureFromTheScriptsOwnWhenTheJobFailed() {
        assertThat(read(failedJob(), pod("Failed", "Evicted", "The node was low on resource: memory.",
                List.of(ended("fetch", 0, "Completed", null)), List.of())))
                .isEqualTo(new JobProgress.PlatformFailure(
                        "its pod was evicted: The node was low on resource: memory."));
        assertThat(read(failedJob(), pod("Failed", null, null,
                List.of(ended("fetch", 1, "Error", "supervisor fetch failed: no such key")), List.of())))
                .isEqualTo(new JobProgress.PlatformFailure(
                        "fetching the input failed: exit code 1 (Error): supervisor fetch failed: no such key"));
        assertThat(read(failedJob(), pod("Failed", null, null, List.of(ended("fetch", 0, "Completed", null),
                ended("run", 128, "StartError", "exec: \"/bin/sh\": stat /bin/sh: no such file")), List.of())))
                .isEqualTo(new JobProgress.PlatformFailure("the function's image cannot run /bin/sh: exit code 128 "
                        + "(StartError): exec: \"/bin/sh\": stat /bin/sh: no such file"));
        assertThat(read(failedJob(), pod("Failed", null, null, List.of(ended("fetch", 0, "Completed", null),
                ended("run", 0, "Completed", null)), List.of(ended("deliver", 1, "Error", "bucket gone")))))
                .isEqualTo(new JobProgress.PlatformFailure(
                        "delivering the outputs failed: exit code 1 (Error): bucket gone"));
        assertThat(read(failedJob(), pod("Failed", null, null, List.of(ended("fetch", 0, "Completed", null),
                ended("run", 2, "Error", null)), List.of())))
                .isEqualTo(new JobProgress.Ended(2, false, null, List.of()));
    }

    @Test
    void shouldNoLongerHoldTheScriptsTimeoutAgainstAPodThatDeliversItsOutputs() {
        Instant started = NOW.minusSeconds(600);
        Pod delivering = pod("Running", null, null, List.of(ended("fetch", 0, "Completed", null),
                TestCluster.status("run",
                        new io.fabric8.kubernetes.api.model.ContainerStateBuilder().withNewTerminated()
                                .withExitCode(0)
                                .withReason("Completed")
                                .withStartedAt(started.toString())
                                .withFinishedAt(NOW.minusSeconds(5).toString())
                                .endTerminated()
                                .build())),
                List.of(TestCluster.status("deliver", TestCluster.running(NOW.minusSeconds(4)))));

        assertThat(read(runningJob(), delivering)).isEqualTo(new JobProgress.Running(started, true));
        Pod running = pod("Running", null, null, List.of(ended("fetch", 0, "Completed", null),
                TestCluster.status("run", TestCluster.running(started))), List.of());
        assertThat(read(runningJob(), running)).isEqualTo(new JobProgress.Running(started, false));
    }

    @Test
    void shouldSayWhyAPodWaitsWhenItOutlivesThePendingLimit() {
        Pod unschedulable = new PodBuilder(pod("Pending", null, null, List.of(), List.of()))
                .editMetadata()
                .withCreationTimestamp(NOW.minus(LIMIT).minusSeconds(1).toString())
                .endMetadata()
                .editStatus()
                .withConditions(new PodConditionBuilder().withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage("0/3 nodes are available: 3 Insufficient cpu.")
                        .build())
                .endStatus()
                .build();

        assertThat(read(runningJob(), unschedulable)).isEqualTo(new JobProgress.PlatformFailure(
                "its pod did not start within 300s: 0/3 nodes are available: 3 Insufficient cpu."));
        Pod young = new PodBuilder(unschedulable).editMetadata()
                .withCreationTimestamp(NOW.minusSeconds(10)
                        .toString())
                .endMetadata()
                .build();
        assertThat(read(runningJob(), young)).isEqualTo(new JobProgress.Waiting());
    }

    private static JobProgress read(Job job, Pod pod) {
        return JobProgress.read(Optional.of(job), Optional.of(pod), NOW, LIMIT);
    }

    private static Job failedJob() {
        return new JobBuilder().withNewStatus()
                .withConditions(new JobConditionBuilder().withType("Failed")
                        .withStatus("True")
                        .withReason("BackoffLimitExceeded")
                        .withMessage("Job has reached the specified "
                                + "backoff limit")
                        .build())
                .endStatus()
                .build();
    }

    private static Job runningJob() {
        return new JobBuilder().withNewStatus().withActive(1).endStatus().build();
    }

    private static Pod pod(String phase, String reason, String message, List<ContainerStatus> init,
            List<ContainerStatus> main) {
        return new PodBuilder().withNewMetadata()
                .withName("p")
                .withCreationTimestamp(NOW.toString())
                .endMetadata()
                .withNewStatus()
                .withPhase(phase)
                .withReason(reason)
                .withMessage(message)
                .withInitContainerStatuses(init)
                .withContainerStatuses(main)
                .endStatus()
                .build();
    }

    private static ContainerStatus ended(String name, int exitCode, String reason, String message) {
        return TestCluster.status(name, TestCluster.terminated(exitCode, reason, message));
    }
}
