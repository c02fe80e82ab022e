package io.wharf.dispatcher.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The dispatcher's view of its Jobs and their pods: one informer each (a list, then a watch, re-listed after a
 * restart or a lost watch), restricted to what the dispatcher manages. An attempt reads its Job and pod from the
 * informers' caches and sleeps until either changes, instead of polling the API server.
 */
public final class JobWatch implements AutoCloseable {

    static final String EXECUTION_INDEX = "execution";

    private final SharedIndexInformer<Job> jobs;
    private final SharedIndexInformer<Pod> pods;
    private final Map<String, Semaphore> changes = new ConcurrentHashMap<>();

    private JobWatch(SharedIndexInformer<Job> jobs, SharedIndexInformer<Pod> pods) {
        this.jobs = jobs;
        this.pods = pods;
    }

    /** Starts watching the dispatcher's Jobs and pods in the namespace; returns once both caches are filled. */
    public static JobWatch start(KubernetesClient client, String namespace) {
        SharedIndexInformer<Job> jobs = client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withLabel(ExecutionJobs.MANAGED_BY_LABEL, ExecutionJobs.MANAGED_BY)
                .runnableInformer(0);
        SharedIndexInformer<Pod> pods = client.pods()
                .inNamespace(namespace)
                .withLabel(ExecutionJobs.MANAGED_BY_LABEL, ExecutionJobs.MANAGED_BY)
                .runnableInformer(0);
        JobWatch watch = new JobWatch(jobs, pods);
        jobs.addIndexers(Map.of(EXECUTION_INDEX, JobWatch::executionOf));
        pods.addIndexers(Map.of(EXECUTION_INDEX, JobWatch::executionOf));
        jobs.addEventHandler(watch.wakeUp());
        pods.addEventHandler(watch.wakeUp());
        jobs.start().toCompletableFuture().join();
        pods.start().toCompletableFuture().join();
        return watch;
    }

    public Optional<Job> job(String executionId) {
        return first(jobs.getIndexer().byIndex(EXECUTION_INDEX, executionId));
    }

    /** The execution's pod: its Job has at most one ({@code backoffLimit: 0}), the newest if a Job was replaced. */
    public Optional<Pod> pod(String executionId) {
        return pods.getIndexer()
                .byIndex(EXECUTION_INDEX, executionId)
                .stream()
                .max((a, b) -> a.getMetadata()
                        .getCreationTimestamp()
                        .compareTo(b.getMetadata()
                                .getCreationTimestamp()));
    }

    /** From now on, changes of the execution's Job or pod wake {@link #awaitChange}. */
    public void follow(String executionId) {
        changes.computeIfAbsent(executionId, id -> new Semaphore(0));
    }

    /** Waits until the execution's Job or pod changes, or for at most {@code max}. */
    public void awaitChange(String executionId, Duration max) throws InterruptedException {
        Semaphore signal = changes.computeIfAbsent(executionId, id -> new Semaphore(0));
        signal.tryAcquire(max.toMillis(), TimeUnit.MILLISECONDS);
        signal.drainPermits();
    }

    /** Stops keeping wake-ups for an execution no attempt waits on. */
    public void forget(String executionId) {
        changes.remove(executionId);
    }

    /** Whether both watches are up: the API server answers. */
    public boolean isWatching() {
        return jobs.isWatching() && pods.isWatching();
    }

    /** The executions' pods in the cache, for the capacity report. */
    public List<Pod> pods() {
        return pods.getStore().list();
    }

    @Override
    public void close() {
        jobs.close();
        pods.close();
    }

    private <T extends HasMetadata> ResourceEventHandler<T> wakeUp() {
        return new ResourceEventHandler<>() {

            @Override
            public void onAdd(T resource) {
                signal(resource);
            }

            @Override
            public void onUpdate(T before, T after) {
                signal(after);
            }

            @Override
            public void onDelete(T resource, boolean finalStateUnknown) {
                signal(resource);
            }
        };
    }

    private void signal(HasMetadata resource) {
        executionOf(resource).forEach(id -> {
            Semaphore signal = changes.get(id);
            if (signal != null) {
                signal.release();
            }
        });
    }

    private static List<String> executionOf(HasMetadata resource) {
        String id = resource.getMetadata().getLabels() == null
                ? null
                : resource.getMetadata().getLabels().get(ExecutionJobs.EXECUTION_LABEL);
        return id == null ? List.of() : List.of(id);
    }

    private static <T> Optional<T> first(List<T> items) {
        return items.isEmpty() ? Optional.empty() : Optional.of(items.get(0));
    }
}
