package io.wharf.dispatcher.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.testing.KubernetesControlPlane;

/**
 * The Job of an execution against a real kube-apiserver and kube-controller-manager: the API server's validation and
 * its Pod Security admission (the namespace enforces the {@code restricted} standard), the real Job controller creating
 * the pod and completing the Job when the test, playing the node, reports the pod's containers ended.
 */
class ExecutionJobsTest {

    private static final String NAMESPACE = "wharf-executions";

    private static KubernetesControlPlane cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        cluster = new KubernetesControlPlane(dir).start();
        Config config = new ConfigBuilder().withMasterUrl(cluster.url())
                .withOauthToken(cluster.adminToken())
                .withCaCertData(java.util.Base64.getEncoder()
                        .encodeToString(Files.readAllBytes(cluster.certificate())))
                .withNamespace(NAMESPACE)
                .build();
        client = new KubernetesClientBuilder().withConfig(config).build();
        client.namespaces()
                .resource(new NamespaceBuilder().withNewMetadata()
                        .withName(NAMESPACE)
                        .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                        .endMetadata()
                        .build())
                .create();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldBeAcceptedOnceAndRunByTheRealJobControllerUnderTheRestrictedPodSecurityStandard() {
        Job job = new ExecutionJobs(config(Optional.of(65534L))).job(plan("count-0123456789abcdef"));

        Job created = client.batch().v1().jobs().resource(job).create();

        assertThat(created.getMetadata().getName()).isEqualTo("wharf-count-0123456789abcdef");
        assertThat(created.getSpec().getBackoffLimit()).isZero();
        assertThat(created.getSpec().getActiveDeadlineSeconds()).isEqualTo(120L);
        // a redelivered envelope finds its Job: the name is taken
        assertThatThrownBy(() -> client.batch().v1().jobs().resource(job).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

        // the real Job controller makes the pod, which the restricted standard admits
        Pod pod = await().atMost(Duration.ofSeconds(60))
                .until(() -> client.pods()
                        .withLabel("wharf.io/execution", "count-0123456789abcdef")
                        .list()
                        .getItems()
                        .stream()
                        .findFirst()
                        .orElse(null), p -> p != null);
        assertThat(pod.getSpec().getInitContainers()).extracting(c -> c.getName()).containsExactly("fetch", "run");
        assertThat(pod.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("deliver");

        // playing the node: every container ended well
        succeed(pod);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> client.batch().v1().jobs().withName(job.getMetadata().getName()).get().getStatus(),
                        s -> s != null && s.getSucceeded() != null && s.getSucceeded() == 1);
    }

    @Test
    void shouldPassOpenShiftsRestrictedRulesWithoutAUidOfItsOwn() {
        Job job = new ExecutionJobs(config(Optional.empty())).job(plan("count-fedcba9876543210"));

        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNull();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getInitContainers()).hasSize(2);
        List.of(pod.getInitContainers(), pod.getContainers()).stream().flatMap(List::stream).forEach(c -> {
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
        });
        // the storage keys reach the supervisor's containers only
        assertThat(pod.getInitContainers().get(1).getEnvFrom()).isEmpty();
        assertThat(pod.getContainers().get(0).getEnvFrom()).singleElement()
                .satisfies(e -> assertThat(e.getSecretRef().getName()).isEqualTo("wharf-fn-count-storage"));
        assertThat(client.batch().v1().jobs().resource(job).dryRun().create()).isNotNull();
    }

    private static void succeed(Pod pod) {
        Instant now = Instant.now();
        var terminated = new ContainerStateBuilder().withNewTerminated()
                .withExitCode(0)
                .withReason("Completed")
                .withStartedAt(now.toString())
                .withFinishedAt(now.toString())
                .endTerminated()
                .build();
        pod.setStatus(new PodStatusBuilder().withPhase("Succeeded")
                .withInitContainerStatuses(ended("fetch", terminated), ended("run", terminated))
                .withContainerStatuses(ended("deliver", terminated))
                .build());
        client.pods().resource(pod).updateStatus();
    }

    private static ContainerStatus ended(String container, ContainerState state) {
        return new ContainerStatusBuilder().withName(container)
                .withImage("i")
                .withImageID("i")
                .withReady(false)
                .withRestartCount(0)
                .withState(state)
                .build();
    }

    private static JobPlan plan(String executionId) {
        return new JobPlan(executionId, "count", "00112233aabbccdd", "localhost/wharf-busybox:1", 500,
                256L * 1024 * 1024, false, Duration.ofSeconds(120));
    }

    private static DispatcherConfig.Kubernetes config(Optional<Long> runAsUser) {
        return new DispatcherConfig.Kubernetes() {

            @Override
            public Optional<String> namespace() {
                return Optional.of(NAMESPACE);
            }

            @Override
            public String supervisorImage() {
                return "localhost/wharf-supervisor:latest";
            }

            @Override
            public Optional<Long> runAsUser() {
                return runAsUser;
            }

            @Override
            public Duration ttlAfterFinished() {
                return Duration.ofHours(1);
            }

            @Override
            public String gpuResource() {
                return "nvidia.com/gpu";
            }

            @Override
            public Map<String, String> nodeSelector() {
                return Map.of();
            }

            @Override
            public String supervisorCpu() {
                return "100m";
            }

            @Override
            public String supervisorMemory() {
                return "256Mi";
            }
        };
    }
}
