package io.wharf.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wharf.build.context.BuildContext;
import io.wharf.build.kaniko.KanikoJobs;
import io.wharf.contracts.build.BuildRecord;

/**
 * A build as a Kaniko Job: the context goes into a ConfigMap (owned by the Job, so it goes with it), the Job
 * ({@link KanikoJobs}) builds, then pushes from a second container, whose termination message gives the digest. A Job
 * that exists already (the service stopped while it ran) is waited for, not made twice. The pod's log (Kaniko's, then
 * the pusher's) becomes the build's log.
 */
public final class KanikoBuilder implements Builder {

    /** ConfigMaps hold at most 1 MiB; the context must fit with its base64 and the object's own fields. */
    public static final int MAX_CONTEXT_BYTES = 700 * 1024;
    private static final Duration POLL = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final BuildConfig.Build config;
    private final KanikoJobs jobs;

    public KanikoBuilder(KubernetesClient client, BuildConfig.Build config) {
        this.client = client;
        this.config = config;
        BuildConfig.Kubernetes k = config.kubernetes();
        this.jobs = new KanikoJobs(new KanikoJobs.Settings(k.namespace(), k.executorImage(), k.pusherImage(),
                k.registry(), k.registrySecret(), k.pullSecret().orElse(null), k.cpu(), k.memory(),
                k.ephemeralStorage(), config.timeout(), k.ttlAfterFinished()));
    }

    @Override
    public Outcome build(BuildRecord build, BuildContext context, Path dir, Path log) throws IOException,
            InterruptedException {
        byte[] archive = context.toTarGz();
        if (archive.length > MAX_CONTEXT_BYTES) {
            Files.writeString(log, "the context is " + archive.length + " bytes gzipped; a Kaniko build takes at most "
                    + MAX_CONTEXT_BYTES + "\n");
            return new Outcome(null, "the context is too large for a Kaniko build (" + archive.length + " > "
                    + MAX_CONTEXT_BYTES + " bytes gzipped)");
        }
        String namespace = config.kubernetes().namespace();
        // one Job per attempt: a build tried again after a failure gets a new Job, not the failed one
        String jobId = build.id() + "-" + build.attempt();
        String name = KanikoJobs.jobName(jobId);
        Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        if (job == null) {
            job = createJob(build, jobId, context, namespace, name);
        }
        // made after the Job (it is owned by it), so also when the service stopped in between
        createContext(archive, jobId, namespace, name, job);
        Instant deadline = Instant.now().plus(config.timeout()).plus(Duration.ofMinutes(2));
        while (true) {
            Optional<Outcome> outcome = outcomeOf(job, namespace, jobId, log);
            if (outcome.isPresent()) {
                return outcome.get();
            }
            if (Instant.now().isAfter(deadline)) {
                return new Outcome(null, "the Kaniko Job did not finish within " + config.timeout());
            }
            Thread.sleep(POLL.toMillis());
            job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            if (job == null) {
                return new Outcome(null, "the Kaniko Job was deleted before it finished");
            }
        }
    }

    private Job createJob(BuildRecord build, String jobId, BuildContext context, String namespace, String name) {
        Job job = jobs.job(new KanikoJobs.Plan(jobId, build.image(), name + "-context", context.dockerfilePath(),
                build.kanikoFlags()));
        try {
            return client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        }
    }

    private void createContext(byte[] archive, String jobId, String namespace, String name, Job created) {
        String configMap = name + "-context";
        if (client.configMaps().inNamespace(namespace).withName(configMap).get() != null) {
            return;
        }
        ConfigMap contextMap = new ConfigMapBuilder().withNewMetadata()
                .withName(configMap)
                .withNamespace(namespace)
                .withLabels(Map.of(KanikoJobs.MANAGED_BY_LABEL, KanikoJobs.MANAGED_BY, KanikoJobs.BUILD_LABEL,
                        jobId))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1")
                        .withKind("Job")
                        .withName(name)
                        .withUid(created.getMetadata().getUid())
                        .build())
                .endMetadata()
                .withBinaryData(Map.of(KanikoJobs.CONTEXT_KEY, Base64.getEncoder().encodeToString(archive)))
                .build();
        try {
            client.configMaps().inNamespace(namespace).resource(contextMap).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** The Job's verdict, once it has one: the digest of a pod that ended well, or why it failed. */
    private Optional<Outcome> outcomeOf(Job job, String namespace, String buildId, Path log) throws IOException {
        List<JobCondition> conditions = job.getStatus() == null || job.getStatus().getConditions() == null
                ? List.of()
                : job.getStatus().getConditions();
        boolean complete = conditions.stream()
                .anyMatch(c -> "Complete".equals(c.getType())
                        && "True".equals(c.getStatus()));
        Optional<JobCondition> failed = conditions.stream()
                .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
        if (!complete && failed.isEmpty()) {
            return Optional.empty();
        }
        Optional<Pod> pod = client.pods()
                .inNamespace(namespace)
                .withLabel(KanikoJobs.BUILD_LABEL, buildId)
                .list()
                .getItems()
                .stream()
                .findFirst();
        copyLog(pod, namespace, log);
        if (failed.isPresent()) {
            return Optional.of(new Outcome(null, "the Kaniko Job failed: " + failed.get().getReason()
                    + (failed.get().getMessage() == null ? "" : " (" + failed.get().getMessage() + ")")));
        }
        Optional<String> digest = pod.flatMap(KanikoJobs::digestOf);
        return Optional.of(digest.map(d -> new Outcome(d, null))
                .orElse(new Outcome(null, "the Kaniko Job ended without a digest")));
    }

    /** Kaniko's log, then the pusher's. */
    private void copyLog(Optional<Pod> pod, String namespace, Path log) throws IOException {
        if (pod.isEmpty()) {
            Files.writeString(log, "no pod of the build was found\n", StandardCharsets.UTF_8);
            return;
        }
        StringBuilder text = new StringBuilder();
        for (String container : List.of(KanikoJobs.CONTAINER, KanikoJobs.PUSH_CONTAINER)) {
            try {
                text.append(client.pods()
                        .inNamespace(namespace)
                        .withName(pod.get().getMetadata().getName())
                        .inContainer(container)
                        .getLog());
            } catch (KubernetesClientException e) {
                if (container.equals(KanikoJobs.CONTAINER)) {
                    text.append("the log of ")
                            .append(container)
                            .append(" cannot be read: ")
                            .append(e.getMessage())
                            .append('\n');
                } // the pusher never started when Kaniko failed: it has no log
            }
        }
        Files.writeString(log, text, StandardCharsets.UTF_8);
    }
}
