package io.wharf.dispatcher.kubernetes;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wharf.contracts.LogLines;
import io.wharf.contracts.capacity.NodeCapacity;
import io.wharf.contracts.capacity.Resources;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.execution.FunctionLimits;
import io.wharf.dispatcher.runtime.Attempt;
import io.wharf.dispatcher.runtime.ExecutionRuntime;
import io.wharf.dispatcher.runtime.Outcome;
import io.wharf.dispatcher.runtime.RefusedAttempt;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.S3Endpoint;

/**
 * An attempt as a Kubernetes Job ({@link ExecutionJobs}): the function's storage Secret kept current, the execution's
 * Secret and Job created (or, when an earlier attempt's dispatcher stopped, found and adopted: a Job is named after its
 * execution, so a redelivered envelope never makes a second one), then followed through the {@link JobWatch} until the
 * Job controller ends it. The pod's three logs are copied into the attempt's log before the Job can be removed.
 * <p>
 * The script's timeout is kept here, from the moment its container starts; the Job's own deadline (the timeout plus
 * the time a pod may take to start) ends it if the dispatcher is gone. A Job that fails for the platform (an image
 * that cannot be pulled, an eviction, a failed fetch or delivery, a pod that never starts) is deleted, so the retry
 * starts afresh; one that ends with the script's verdict stays until its time to live lapses.
 */
public final class KubernetesRuntime implements ExecutionRuntime, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KubernetesRuntime.class);
    /** How often an attempt looks at its Job even when no change was reported (timeouts, the pending limit). */
    private static final Duration LOOK_AGAIN = Duration.ofSeconds(2);
    /** The most of one step's log read into memory (the execution's log is capped again when stored). */
    private static final int LOG_LIMIT_BYTES = 8 * 1024 * 1024;

    private final KubernetesClient client;
    private final String namespace;
    private final ExecutionJobs jobs;
    private final JobWatch watch;
    private final FunctionLimits limits;
    private final Function<FunctionDefinition, Optional<S3Endpoint>> platformStore;
    private final Duration pendingLimit;
    private final Clock clock;
    private final DispatcherConfig.QueueMode queue;
    private final VolumeCatalog volumes;
    private final Optional<ClusterNodes> nodes;

    /**
     * @param client the dispatcher's client (its ServiceAccount in the cluster), closed with this runtime
     * @param config where the Jobs go and what they look like
     * @param limits a function's CPU, memory and timeout
     * @param platformStore the platform's store with a function's own keys, if it has any
     */
    public KubernetesRuntime(KubernetesClient client, DispatcherConfig.Kubernetes config, FunctionLimits limits,
            Function<FunctionDefinition, Optional<S3Endpoint>> platformStore, Clock clock) {
        this.client = client;
        this.namespace = config.namespace().orElseGet(client::getNamespace);
        if (namespace == null) {
            throw new IllegalStateException("wharf.dispatcher.kubernetes.namespace is not set, and the client has no "
                    + "namespace of its own (in a pod, its ServiceAccount's)");
        }
        this.jobs = new ExecutionJobs(config);
        this.limits = limits;
        this.platformStore = platformStore;
        this.pendingLimit = config.pendingLimit();
        this.clock = clock;
        this.watch = JobWatch.start(client, namespace);
        this.queue = config.queue();
        this.volumes = new VolumeCatalog(config.volumes());
        this.nodes = ClusterNodes.start(client, config.nodeSelector(), watch, config.gpuResource());
        LOG.infof("executions run as Jobs in namespace %s of %s", namespace, client.getMasterUrl());
    }

    @Override
    public Outcome carryOut(Attempt attempt) throws IOException, InterruptedException {
        if (attempt.envelope().wantsReply()) {
            throw new RefusedAttempt("run-unsupported", "synchronous invocations (POST /run) are served by the process "
                    + "and container executors; on this platform's Kubernetes executor, run the function with POST /job");
        }
        String id = attempt.executionId();
        FunctionDefinition fn = attempt.function();
        Duration timeout = limits.timeout(fn);
        JobPlan plan = new JobPlan(id, fn.name(), fn.uid(), fn.image(), limits.cpuMillis(fn), limits.memoryBytes(fn),
                Boolean.TRUE.equals(fn.enableGpu()), timeout.plus(pendingLimit), volumes.resolve(fn));
        watch.follow(id);
        try {
            holdBackWithoutRoom(id, limits.requested(fn));
            Job job = submit(attempt, plan);
            note(attempt, "wharf: Job %s in namespace %s", job.getMetadata().getName(), namespace);
            return follow(attempt, timeout);
        } catch (KubernetesClientException e) {
            throw new IOException("the Kubernetes API refused: " + e.getMessage(), e);
        } finally {
            watch.forget(id);
        }
    }

    private Outcome follow(Attempt attempt, Duration timeout) throws IOException, InterruptedException {
        String id = attempt.executionId();
        boolean started = false;
        while (true) {
            if (attempt.cancelled().getAsBoolean()) {
                stop(id);
                return Outcome.cancelledDuring(new RunResult(-1, false, Duration.ZERO), timeout);
            }
            Instant now = clock.instant();
            JobProgress progress = JobProgress.read(job(id), watch.pod(id), now, pendingLimit);
            if (progress instanceof JobProgress.Running running) {
                if (!started) {
                    started = true;
                    attempt.started().run();
                }
                if (!running.scriptEnded() && Duration.between(running.since(), now).compareTo(timeout) > 0) {
                    copyLogs(attempt);
                    stop(id);
                    return Outcome.ended(new RunResult(JobProgress.SIGKILLED, true, timeout), List.of(), timeout);
                }
            } else if (progress instanceof JobProgress.Ended ended) {
                if (!started) {
                    attempt.started().run();
                }
                copyLogs(attempt);
                RunResult result = new RunResult(ended.exitCode(), ended.deadlineExceeded(), Duration.ZERO,
                        ended.limitExceeded());
                return Outcome.ended(result, result.succeeded() ? ended.outputs() : List.of(), timeout);
            } else if (progress instanceof JobProgress.PlatformFailure failure) {
                copyLogs(attempt);
                stop(id);
                throw new IOException("the execution's Job failed: " + failure.reason());
            }
            watch.awaitChange(id, LOOK_AGAIN);
        }
    }

    /**
     * Unless pods may queue in the cluster: a new execution for which no node has room waits in JetStream (a failure
     * that is an outage: not counted, retried later), not as a pending pod. A Job already there is always adopted.
     */
    private void holdBackWithoutRoom(String executionId, Resources request) throws NoCapacityException {
        if (queue == DispatcherConfig.QueueMode.jetstream && nodes.isPresent() && !nodes.get().fits(request)
                && job(executionId).isEmpty()) {
            throw new NoCapacityException(request);
        }
    }

    /** The Job from the watch's cache; from the API server while the cache has not seen it yet. */
    private Optional<Job> job(String executionId) {
        Optional<Job> cached = watch.job(executionId);
        return cached.isPresent()
                ? cached
                : Optional.ofNullable(client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(namespace)
                        .withName(ExecutionJobs.jobName(executionId))
                        .get());
    }

    /** Creates the execution's Secrets and Job, or adopts the Job an earlier attempt created. */
    private Job submit(Attempt attempt, JobPlan plan) throws IOException {
        FunctionDefinition fn = attempt.function();
        // the function's keys, for the supervisor's steps only: current at every attempt
        apply(ExecutionSecrets.storage(fn, platformStore.apply(fn)));
        Secret execution = ExecutionSecrets.execution(plan, attempt.envelope(), fn);
        createUnlessPresent(execution);
        Job job = createOrAdopt(attempt, plan);
        String uid = job.getMetadata().getUid();
        // the execution's Secret goes with its Job (the garbage collector removes it when the Job is removed)
        client.secrets()
                .inNamespace(namespace)
                .withName(execution.getMetadata().getName())
                .edit(s -> new SecretBuilder(s).editMetadata()
                        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1")
                                .withKind("Job")
                                .withName(ExecutionJobs.jobName(plan.executionId()))
                                .withUid(uid)
                                .build())
                        .endMetadata()
                        .build());
        return job;
    }

    private Job createOrAdopt(Attempt attempt, JobPlan plan) throws IOException {
        try {
            return client.batch().v1().jobs().inNamespace(namespace).resource(jobs.job(plan)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        Job job = client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withName(ExecutionJobs.jobName(plan.executionId()))
                .get();
        if (job == null) {
            throw new IOException("the Job of execution " + plan.executionId() + " exists and is gone again");
        }
        LOG.infof("function=%s executionId=%s adopts its Job from an earlier attempt", plan.function(),
                plan.executionId());
        note(attempt, "wharf: its Job from an earlier attempt is still there: adopted, not started again");
        return job;
    }

    private void apply(Secret secret) {
        client.secrets().inNamespace(namespace).resource(secret).serverSideApply();
    }

    private void createUnlessPresent(Secret secret) {
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** The logs of the pod's steps, in order, into the attempt's log; a step without a log says why. */
    private void copyLogs(Attempt attempt) {
        String pod = watch.pod(attempt.executionId()).map(p -> p.getMetadata().getName()).orElse(null);
        if (pod == null) {
            note(attempt, "wharf: the Job has no pod, so no log");
            return;
        }
        for (String step : ExecutionJobs.STEPS) {
            try {
                // with the kubelet's time on each line, as Wharf keeps every log (LogLines)
                String log = client.pods()
                        .inNamespace(namespace)
                        .withName(pod)
                        .inContainer(step)
                        .usingTimestamps()
                        .limitBytes(LOG_LIMIT_BYTES)
                        .getLog();
                note(attempt, "--- %s ---", step);
                appendStamped(attempt, log == null || log.isEmpty() ? "" : log.endsWith("\n") ? log : log + "\n");
            } catch (KubernetesClientException e) {
                note(attempt, "wharf: the log of the %s step cannot be read: %s", step, e.getStatus() == null
                        ? e.getMessage()
                        : e.getStatus().getMessage());
            }
        }
    }

    @Override
    public void stop(String executionId) {
        try {
            client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(namespace)
                    .withName(ExecutionJobs.jobName(executionId))
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete();
            client.secrets().inNamespace(namespace).withName(ExecutionJobs.executionSecretName(executionId)).delete();
        } catch (KubernetesClientException e) {
            LOG.warnf("executionId=%s its Job could not be deleted: %s", executionId, e.getMessage());
        }
    }

    /** A Job runs on without its dispatcher: the next attempt adopts it. */
    @Override
    public void handBack(String executionId) {
    }

    /** Nothing to remove: {@link #carryOut} adopts the Job the earlier attempt left. */
    @Override
    public void takeOver(String executionId) {
    }

    @Override
    public boolean available() {
        return watch.isWatching();
    }

    @Override
    public String kind() {
        return "kubernetes";
    }

    @Override
    public List<NodeCapacity> capacity(Resources inUse) {
        return nodes.map(ClusterNodes::capacity).orElse(List.of());
    }

    @Override
    public void close() {
        nodes.ifPresent(ClusterNodes::close);
        watch.close();
        client.close();
    }

    private static void note(Attempt attempt, String format, Object... args) {
        appendStamped(attempt, LogLines.stamped(String.format(format, args) + "\n", Instant.now()));
    }

    private static void appendStamped(Attempt attempt, String lines) {
        try {
            attempt.workspace().appendStampedToLog(lines);
        } catch (IOException e) {
            LOG.warnf("executionId=%s log not written: %s", attempt.executionId(), e.getMessage());
        }
    }
}
