package io.wharf.dispatcher.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wharf.contracts.capacity.NodeCapacity;
import io.wharf.contracts.capacity.Resources;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.execution.FunctionLimits;
import io.wharf.dispatcher.runtime.Attempt;

/**
 * What the nodes can give, read from a real API server: the test registers a node (a kubelet would) and places the
 * execution's pod on it (the scheduler would); the runtime reports the node's allocatable and free capacity and, when
 * executions wait in JetStream, holds back an execution no node has room for instead of creating a pending pod.
 */
class KubernetesCapacityTest {

    private static final String NAMESPACE = "wharf-capacity";
    private static final String NODE = "capacity-worker-1";

    private static KubernetesClient admin;
    private final ExecutorService attempts = Executors.newCachedThreadPool();

    @TempDir
    Path work;

    @BeforeAll
    static void registerANode() {
        admin = TestCluster.client(NAMESPACE);
        admin.nodes()
                .resource(new NodeBuilder().withNewMetadata()
                        .withName(NODE)
                        .addToLabels("wharf.io/role", "capacity-test")
                        .endMetadata()
                        .build())
                .create();
        // as its kubelet would report it (the node lifecycle controller changes the node meanwhile, taints it: a
        // conflicting write is written again)
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
            admin.nodes().withName(NODE).editStatus(node -> {
                node.setStatus(new NodeStatusBuilder()
                        .addToAllocatable("cpu", new Quantity("2"))
                        .addToAllocatable("memory", new Quantity("4Gi"))
                        .addToAllocatable("pods", new Quantity("110"))
                        .addToCapacity("cpu", new Quantity("2"))
                        .addToCapacity("memory", new Quantity("4Gi"))
                        .withConditions(new NodeConditionBuilder().withType("Ready")
                                .withStatus("True")
                                .withReason("KubeletReady")
                                .withLastHeartbeatTime(Instant.now().toString())
                                .withLastTransitionTime(Instant.now().toString())
                                .build())
                        .build());
                return node;
            });
            return true;
        });
    }

    @AfterAll
    static void removeTheNode() {
        admin.nodes().withName(NODE).delete();
        admin.close();
    }

    @AfterEach
    void stopAttempts() {
        attempts.shutdownNow();
    }

    @Test
    void shouldReportTheNodesCapacityLessWhatTheExecutionsPlacedOnItRequest() throws Exception {
        try (KubernetesRuntime runtime = runtime()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> runtime.capacity(Resources.NONE).size() == 1);
            assertThat(runtime.capacity(Resources.NONE)).singleElement().satisfies(n -> {
                assertThat(n.name()).isEqualTo(NODE);
                assertThat(n.allocatable()).isEqualTo(new Resources(2000, 4L << 30, 0));
                assertThat(n.free()).isEqualTo(n.allocatable());
            });

            Attempt attempt = attempt("cap-fits", "1", "1Gi");
            attempts.submit(() -> runtime.carryOut(attempt));
            Pod pod = TestCluster.awaitPod(admin, attempt.executionId());
            admin.bindings()
                    .resource(new BindingBuilder().withNewMetadata()
                            .withName(pod.getMetadata().getName())
                            .endMetadata()
                            .withNewTarget()
                            .withKind("Node")
                            .withName(NODE)
                            .endTarget()
                            .build())
                    .create();

            // the pod's effective request is its largest step: the script's CPU and memory
            NodeCapacity after = await().atMost(Duration.ofSeconds(30))
                    .until(() -> runtime.capacity(Resources.NONE).get(0), n -> n.free().cpuMillis() < 2000);
            assertThat(after.free()).isEqualTo(new Resources(1000, 3L << 30, 0));

            // what no node has room for now waits in the queue, and no Job is made for it
            Attempt tooBig = attempt("cap-too-big", "1500m", "1Gi");
            assertThatThrownBy(() -> runtime.carryOut(tooBig)).isInstanceOf(NoCapacityException.class)
                    .hasMessageContaining("no node has room for it now (1500m CPU");
            assertThat(admin.batch().v1().jobs().withName(ExecutionJobs.jobName(tooBig.executionId())).get())
                    .isNull();
        }
    }

    private KubernetesRuntime runtime() {
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(TestCluster.config(NAMESPACE, TestCluster.plane().adminToken()))
                .build();
        DispatcherConfig.Kubernetes config = TestCluster.config(NAMESPACE, Optional.of(65534L), Duration.ofMinutes(5),
                DispatcherConfig.QueueMode.jetstream);
        return new KubernetesRuntime(client, config, new FunctionLimits("1", "256Mi", Duration.ofMinutes(5)),
                fn -> Optional.empty(), Clock.systemUTC());
    }

    private Attempt attempt(String function, String cpu, String memory) {
        return TestCluster.attempt(work, "name: " + function + "\nimage: localhost/wharf-busybox:1\n"
                + "script: 'true'\ncpu: '" + cpu + "'\nmemory: " + memory + "\n"
                + "input: [{storage_provider: minio, path: cap-in}]\n", "alice", "cap-in", "x");
    }
}
