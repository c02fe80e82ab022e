package io.wharf.dispatcher.kubernetes;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.runtime.Attempt;
import io.wharf.supervisor.Workspace;
import io.wharf.testing.KubernetesControlPlane;

/**
 * One real control plane (etcd, kube-apiserver, kube-controller-manager) for every Kubernetes test of this module,
 * started on first use and stopped when the test JVM ends, with a namespace per test class that enforces the
 * {@code restricted} Pod Security Standard. There is no kubelet and no scheduler: tests play the node by writing pod
 * statuses ({@link #terminated}, {@link #running}, {@link #waiting}).
 */
public final class TestCluster {

    private static KubernetesControlPlane plane;

    /** Volumes the tests' operators offer: one for alice to read, one for anybody to write. */
    public static final Map<String, DispatcherConfig.OfferedVolume> OFFERED = Map.of(
            "survey-data", new Offered("survey-data-claim", List.of("alice"), false),
            "scratch", new Offered("scratch-claim", List.of("*"), true));

    record Offered(String claim, List<String> users, boolean writable) implements DispatcherConfig.OfferedVolume {
    }

    private TestCluster() {
    }

    public static synchronized KubernetesControlPlane plane() {
        if (plane == null) {
            try {
                Path dir = Files.createTempDirectory("wharf-k8s");
                plane = new KubernetesControlPlane(dir).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            KubernetesControlPlane started = plane;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return plane;
    }

    /** A client of the cluster's administrator whose default namespace is {@code namespace}, created if new. */
    public static KubernetesClient client(String namespace) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config(namespace, plane().adminToken()))
                .build();
        if (client.namespaces().withName(namespace).get() == null) {
            client.namespaces()
                    .resource(new NamespaceBuilder().withNewMetadata()
                            .withName(namespace)
                            .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                            .endMetadata()
                            .build())
                    .create();
        }
        return client;
    }

    public static Config config(String namespace, String token) {
        try {
            return new ConfigBuilder().withMasterUrl(plane().url())
                    .withOauthToken(token)
                    .withCaCertData(Base64.getEncoder().encodeToString(Files.readAllBytes(plane().certificate())))
                    .withNamespace(namespace)
                    .withRequestRetryBackoffLimit(0)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ContainerState terminated(int exitCode, String reason, String message) {
        String now = Instant.now().toString();
        return new ContainerStateBuilder().withNewTerminated()
                .withExitCode(exitCode)
                .withReason(reason)
                .withMessage(message)
                .withStartedAt(now)
                .withFinishedAt(now)
                .endTerminated()
                .build();
    }

    /** A container that ended: {@code Completed} with 0, {@code Error} otherwise. */
    public static ContainerStatus ended(String container, int exitCode, String message) {
        return status(container, terminated(exitCode, exitCode == 0 ? "Completed" : "Error", message));
    }

    /** The pod the Job controller made for the execution, once there. */
    public static Pod awaitPod(KubernetesClient client, String executionId) {
        return await().atMost(Duration.ofSeconds(60))
                .until(() -> client.pods()
                        .withLabel(ExecutionJobs.EXECUTION_LABEL, executionId)
                        .list()
                        .getItems()
                        .stream()
                        .findFirst()
                        .orElse(null), p -> p != null);
    }

    /** Playing the node: the pod's phase and its containers' states, written as its kubelet would. */
    public static void report(KubernetesClient client, Pod pod, String phase, List<ContainerStatus> init,
            List<ContainerStatus> main) {
        Pod current = client.pods().withName(pod.getMetadata().getName()).get();
        current.setStatus(new PodStatusBuilder().withPhase(phase)
                .withInitContainerStatuses(init)
                .withContainerStatuses(main)
                .build());
        client.pods().resource(current).updateStatus();
    }

    /**
     * An attempt of the function {@code yaml} defines, owned by {@code owner}, on the object {@code bucket/key}.
     */
    public static Attempt attempt(Path work, String yaml, String owner, String bucket, String key, Runnable started,
            BooleanSupplier cancelled) {
        FunctionDefinition fn = FdlReader.readOne(yaml).managedBy(owner, "t".repeat(32), "0123456789abcdef", 1);
        String source = "minio://test/" + bucket;
        Envelope envelope = Envelope.of(EnvelopeIds.forObject(fn.name(), source, key, "1"), source,
                Envelope.TYPE_OBJECT_CREATED, key, Instant.now(), fn.name(),
                EventData.object("minio", "default", bucket, key, null, null, null, null));
        String id = EnvelopeIds.executionId(fn.name(), envelope.id());
        return new Attempt(id, envelope, fn, Workspace.create(work, id), started, cancelled);
    }

    public static Attempt attempt(Path work, String yaml, String owner, String bucket, String key) {
        return attempt(work, yaml, owner, bucket, key, () -> {
        }, () -> false);
    }

    public static ContainerState running(Instant since) {
        return new ContainerStateBuilder().withNewRunning().withStartedAt(since.toString()).endRunning().build();
    }

    public static ContainerState waiting(String reason, String message) {
        return new ContainerStateBuilder().withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .build();
    }

    public static ContainerStatus status(String container, ContainerState state) {
        return new ContainerStatusBuilder().withName(container)
                .withImage("i")
                .withImageID("i")
                .withReady(false)
                .withRestartCount(0)
                .withState(state)
                .build();
    }

    /**
     * The executor's settings as the tests use them, pods queueing in the cluster: there are no nodes unless a test
     * registers one.
     */
    public static Settings config(String namespace, Optional<Long> runAsUser, Duration pendingLimit) {
        return config(namespace, runAsUser, pendingLimit, DispatcherConfig.QueueMode.pods);
    }

    public static Settings config(String namespace, Optional<Long> runAsUser, Duration pendingLimit,
            DispatcherConfig.QueueMode queue) {
        return new Settings(Optional.of(namespace), "localhost/wharf-supervisor:latest", runAsUser,
                Duration.ofHours(1), "nvidia.com/gpu", Map.of(), "100m", "1", "256Mi", pendingLimit, queue, OFFERED);
    }

    /** The executor's settings, as a test sets them. */
    public record Settings(Optional<String> namespace, String supervisorImage, Optional<Long> runAsUser,
            Duration ttlAfterFinished, String gpuResource, Map<String, String> nodeSelector, String supervisorCpu,
            String supervisorCpuLimit, String supervisorMemory, Duration pendingLimit, DispatcherConfig.QueueMode queue,
            Map<String, DispatcherConfig.OfferedVolume> volumes) implements DispatcherConfig.Kubernetes {

        public Settings withSupervisorImage(String image) {
            return new Settings(namespace, image, runAsUser, ttlAfterFinished, gpuResource, nodeSelector,
                    supervisorCpu, supervisorCpuLimit, supervisorMemory, pendingLimit, queue, volumes);
        }
    }
}
