package io.wharf.dispatcher.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

/**
 * Where an execution's Job stands, read from the Job and its pod as the API server reports them: the Job
 * controller's verdict (complete, failed, deadline exceeded) and, for the why, the pod's containers (the script's exit
 * code, OOMKilled, an image that cannot be pulled, an eviction, a pod that cannot be scheduled).
 */
public sealed interface JobProgress {

    /** The script has not started yet. */
    record Waiting() implements JobProgress {
    }

    /**
     * The script runs, or has ended and its outputs are being delivered.
     *
     * @param since when the script started
     * @param scriptEnded whether it has ended (its timeout no longer applies)
     */
    record Running(Instant since, boolean scriptEnded) implements JobProgress {
    }

    /**
     * The script ran to its end and the Job is over.
     *
     * @param exitCode the script's exit code
     * @param deadlineExceeded the Job's deadline ended it
     * @param limitExceeded the limit it was killed for, or {@code null}
     * @param outputs the delivered outputs' keys, when the Job completed
     */
    record Ended(int exitCode, boolean deadlineExceeded, String limitExceeded, List<String> outputs)
            implements
                JobProgress {
    }

    /** The platform failed the attempt (not the script): why, in a sentence. */
    record PlatformFailure(String reason) implements JobProgress {
    }

    /** Waiting reasons that will not pass by waiting. */
    Set<String> HOPELESS = Set.of("ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

    /** The exit code a shell reports for a process killed by SIGKILL (what an OOM kill looks like). */
    int SIGKILLED = 137;

    static JobProgress read(Optional<Job> job, Optional<Pod> pod, Instant now, Duration pendingLimit) {
        if (job.isEmpty()) {
            return new PlatformFailure("its Job was deleted before it ended");
        }
        Optional<JobCondition> complete = condition(job.get(), "Complete");
        if (complete.isPresent()) {
            return new Ended(0, false, null, pod.map(JobProgress::outputs).orElse(List.of()));
        }
        Optional<JobCondition> failed = condition(job.get(), "Failed");
        if (failed.isPresent()) {
            return failure(failed.get(), pod);
        }
        if (pod.isEmpty()) {
            return new Waiting();
        }
        Optional<ContainerStatus> run = status(pod.get(), "run");
        if (run.isPresent() && run.get().getState() != null && run.get().getState().getRunning() != null) {
            return new Running(instant(run.get().getState().getRunning().getStartedAt(), now), false);
        }
        Optional<ContainerStateTerminated> ran = terminated(pod.get(), "run");
        if (ran.isPresent()) {
            return new Running(instant(ran.get().getStartedAt(), now), true);
        }
        Optional<String> hopeless = statuses(pod.get())
                .filter(s -> s.getState() != null && s.getState().getWaiting() != null
                        && HOPELESS.contains(s.getState().getWaiting().getReason()))
                .map(s -> "the image of its " + s.getName() + " step cannot be pulled ("
                        + s.getState().getWaiting().getReason() + "): " + s.getState().getWaiting().getMessage())
                .findFirst();
        if (hopeless.isPresent()) {
            return new PlatformFailure(hopeless.get());
        }
        Instant created = instant(pod.get().getMetadata().getCreationTimestamp(), now);
        if (Duration.between(created, now).compareTo(pendingLimit) > 0) {
            return new PlatformFailure("its pod did not start within " + pendingLimit.toSeconds() + "s: "
                    + whyPending(pod.get()));
        }
        return new Waiting();
    }

    private static JobProgress failure(JobCondition failed, Optional<Pod> pod) {
        if ("DeadlineExceeded".equals(failed.getReason())) {
            return new Ended(SIGKILLED, true, null, List.of());
        }
        if (pod.isEmpty()) {
            return new PlatformFailure("its Job failed (" + failed.getReason() + ") without a pod");
        }
        Pod p = pod.get();
        if ("Evicted".equals(p.getStatus().getReason())) {
            return new PlatformFailure("its pod was evicted: " + p.getStatus().getMessage());
        }
        Optional<ContainerStateTerminated> fetch = terminated(p, "fetch");
        if (fetch.isPresent() && fetch.get().getExitCode() != 0) {
            return new PlatformFailure("fetching the input failed: " + message(fetch.get()));
        }
        Optional<ContainerStateTerminated> run = terminated(p, "run");
        if (run.isPresent() && run.get().getExitCode() != 0) {
            ContainerStateTerminated ended = run.get();
            if ("OOMKilled".equals(ended.getReason())) {
                return new Ended(ended.getExitCode(), false, "ran out of memory (OOMKilled)", List.of());
            }
            if ("StartError".equals(ended.getReason()) || "ContainerCannotRun".equals(ended.getReason())) {
                return new PlatformFailure("the function's image cannot run /bin/sh: " + message(ended));
            }
            return new Ended(ended.getExitCode(), false, null, List.of());
        }
        Optional<ContainerStateTerminated> deliver = terminated(p, "deliver");
        if (deliver.isPresent() && deliver.get().getExitCode() != 0) {
            return new PlatformFailure("delivering the outputs failed: " + message(deliver.get()));
        }
        return new PlatformFailure("its Job failed (" + failed.getReason() + "): " + failed.getMessage());
    }

    /** The deliver step's termination message: the keys of the outputs, one per line. */
    private static List<String> outputs(Pod pod) {
        return terminated(pod, "deliver").map(ContainerStateTerminated::getMessage)
                .map(m -> Arrays.stream(m.split("\n")).filter(line -> !line.isBlank()).toList())
                .orElse(List.of());
    }

    private static String whyPending(Pod pod) {
        List<String> why = new ArrayList<>();
        Stream.ofNullable(pod.getStatus().getConditions())
                .flatMap(List::stream)
                .filter(c -> "False".equals(c.getStatus()) && c.getMessage() != null)
                .map(PodCondition::getMessage)
                .forEach(why::add);
        statuses(pod).filter(s -> s.getState() != null && s.getState().getWaiting() != null)
                .map(s -> s.getName() + ": " + s.getState().getWaiting().getReason()
                        + (s.getState().getWaiting().getMessage() == null
                                ? ""
                                : " (" + s.getState().getWaiting().getMessage() + ")"))
                .forEach(why::add);
        return why.isEmpty() ? "not scheduled" : String.join("; ", why);
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        return job.getStatus() == null || job.getStatus().getConditions() == null
                ? Optional.empty()
                : job.getStatus()
                        .getConditions()
                        .stream()
                        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                        .findFirst();
    }

    private static Optional<ContainerStatus> status(Pod pod, String container) {
        return statuses(pod).filter(s -> container.equals(s.getName())).findFirst();
    }

    private static Optional<ContainerStateTerminated> terminated(Pod pod, String container) {
        return status(pod, container).filter(s -> s.getState() != null && s.getState().getTerminated() != null)
                .map(s -> s.getState().getTerminated());
    }

    private static Stream<ContainerStatus> statuses(Pod pod) {
        if (pod.getStatus() == null) {
            return Stream.empty();
        }
        return Stream.concat(Stream.ofNullable(pod.getStatus().getInitContainerStatuses()).flatMap(List::stream),
                Stream.ofNullable(pod.getStatus().getContainerStatuses()).flatMap(List::stream));
    }

    private static String message(ContainerStateTerminated ended) {
        String message = ended.getMessage() == null ? "" : ended.getMessage().strip();
        return "exit code " + ended.getExitCode() + (ended.getReason() == null ? "" : " (" + ended.getReason() + ")")
                + (message.isEmpty() ? "" : ": " + message);
    }

    private static Instant instant(String timestamp, Instant otherwise) {
        return timestamp == null ? otherwise : OffsetDateTime.parse(timestamp).toInstant();
    }
}
