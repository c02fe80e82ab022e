package io.wharf.dispatcher.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wharf.dispatcher.DispatcherConfig;

/**
 * The Job of an execution against a real kube-apiserver and kube-controller-manager: the API server's validation and
 * its Pod Security admission (the namespace enforces the {@code restricted} standard), the real Job controller creating
 * the pod and completing the Job when the test, playing the node, reports the pod's containers ended.
 */
class ExecutionJobsTest {

    private static final String NAMESPACE = "wharf-executions";

    private static KubernetesClient client;

    @BeforeAll
    static void connect() {
        client = TestCluster.client(NAMESPACE);
    }

    @AfterAll
    static void disconnect() {
        client.close();
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
        // an offered volume: a claim, read-only, in the script's container only
        assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("survey-data-claim");
            assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
        });
        assertThat(pod.getSpec().getInitContainers().get(1).getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/data/survey");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(pod.getSpec().getInitContainers().get(0).getVolumeMounts())
                .noneSatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/data/survey"));

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
        var ended = TestCluster.terminated(0, "Completed", null);
        pod.setStatus(new PodStatusBuilder().withPhase("Succeeded")
                .withInitContainerStatuses(TestCluster.status("fetch", ended), TestCluster.status("run", ended))
                .withContainerStatuses(TestCluster.status("deliver", ended))
                .build());
        client.pods().resource(pod).updateStatus();
    }

    private static JobPlan plan(String executionId) {
        return new JobPlan(executionId, "count", "00112233aabbccdd", "localhost/wharf-busybox:1", 500,
                256L * 1024 * 1024, false, Duration.ofSeconds(120),
                List.of(new JobPlan.Volume("survey-data", "survey-data-claim", "/data/survey", true)));
    }

    private static DispatcherConfig.Kubernetes config(Optional<Long> runAsUser) {
        return TestCluster.config(NAMESPACE, runAsUser, Duration.ofMinutes(5));
    }
}
