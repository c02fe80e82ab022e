package io.wharf.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.nats.client.Connection;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.storage.StorageCredentials;
import io.wharf.dispatcher.kubernetes.KubernetesTestResource;
import io.wharf.dispatcher.kubernetes.TestCluster;
import io.wharf.jetstream.CredentialStore;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.Publisher;
import io.wharf.testing.MinioServer;
import io.wharf.testing.WharfTestResource;

/**
 * The dispatcher with the Kubernetes executor, on real NATS and a real control plane: an envelope becomes the
 * execution's Job, and the real Job controller's verdict on the pod the test reports (playing the node) drives the
 * execution record to its end, with the pod's log stored.
 */
@QuarkusTest
@TestProfile(KubernetesDispatcherTest.OnKubernetes.class)
class KubernetesDispatcherTest {

    private static final SecretCipher CIPHER = SecretCipher.fromBase64(WharfTestResource.SECRETS_KEY);
    private static final String UID = "0123456789abcdef";

    private static KubernetesClient cluster;

    @Inject
    Connection connection;
    @Inject
    FunctionStore functions;
    @Inject
    ExecutionStore executions;
    @Inject
    LogStore logs;
    @Inject
    Publisher publisher;

    public static class OnKubernetes implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(WharfTestResource.class, Map.of(WharfTestResource.SERVICE,
                    "dispatcher")), new TestResourceEntry(KubernetesTestResource.class));
        }

        @Override
        public Set<String> tags() {
            return Set.of("kubernetes");
        }
    }

    @BeforeAll
    static void connect() {
        cluster = TestCluster.client(KubernetesTestResource.NAMESPACE);
    }

    @AfterAll
    static void disconnect() {
        cluster.close();
    }

    @Test
    void shouldDriveTheExecutionRecordFromTheJobControllersVerdict() {
        deploy("kube-ok");
        Envelope envelope = publish("kube-ok", "in/a.txt");
        String id = EnvelopeIds.executionId("kube-ok", envelope.id());

        Pod pod = awaitPod(id);
        report(pod, "Running", List.of(ended("fetch", 0, null), TestCluster.status("run",
                TestCluster.running(Instant.now()))), List.of());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> record("kube-ok", id),
                        r -> r != null && r.state() == ExecutionState.RUNNING);
        report(pod, "Succeeded", List.of(ended("fetch", 0, null), ended("run", 0, null)),
                List.of(ended("deliver", 0, "kube-ok-bucket/out/a.txt\n")));

        ExecutionRecord done = await().atMost(Duration.ofSeconds(60))
                .until(() -> record("kube-ok", id),
                        r -> r != null && r.state().isTerminal());
        assertThat(done.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(done.outputs()).containsExactly("kube-ok-bucket/out/a.txt");
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(new String(logs.get(id).orElseThrow(), StandardCharsets.UTF_8))
                .contains("(kubernetes)", "Job wharf-" + id, "--- run ---", "succeeded; 1 output(s) delivered");
    }

    @Test
    void shouldRecordTheScriptsExitCodeFromTheFailedJob() {
        deploy("kube-fails");
        Envelope envelope = publish("kube-fails", "in/b.txt");
        String id = EnvelopeIds.executionId("kube-fails", envelope.id());

        report(awaitPod(id), "Failed", List.of(ended("fetch", 0, null), ended("run", 4, null)), List.of());

        ExecutionRecord done = await().atMost(Duration.ofSeconds(60))
                .until(() -> record("kube-fails", id),
                        r -> r != null && r.state().isTerminal());
        assertThat(done.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(done.exitCode()).isEqualTo(4);
        assertThat(done.reason()).isEqualTo("the script exited with 4");
    }

    private ExecutionRecord record(String function, String id) {
        return executions.get(function, id).map(v -> v.value()).orElse(null);
    }

    private void deploy(String name) {
        FunctionDefinition fn = FdlReader.readOne("name: " + name + "\nimage: localhost/wharf-busybox:1\n"
                + "script: cp $INPUT_FILE_PATH $TMP_OUTPUT_DIR/\n"
                + "input: [{storage_provider: minio, path: " + name + "-bucket/in}]\n"
                + "output: [{storage_provider: minio, path: " + name + "-bucket/out}]\n")
                .managedBy("tester", "t".repeat(32), UID, 1)
                .sealed(CIPHER);
        functions.create(fn);
        StorageCredentials grant = new StorageCredentials(fn.name(), fn.uid(), MinioServer.ACCESS_KEY, null);
        CredentialStore.functions(connection)
                .create(grant.withSecretKey(CIPHER.seal(MinioServer.SECRET_KEY, grant.sealingContext())));
    }

    private Envelope publish(String function, String key) {
        String bucket = function + "-bucket";
        String source = "minio://test/" + bucket;
        Envelope envelope = Envelope.of(EnvelopeIds.forObject(function, UID, source, key, "1"), source,
                Envelope.TYPE_OBJECT_CREATED, key, Instant.now(), function,
                EventData.object("minio", "default", bucket, key, null, null, null, null)).forFunctionUid(UID);
        publisher.publishEnvelope(envelope);
        return envelope;
    }

    private static Pod awaitPod(String executionId) {
        return TestCluster.awaitPod(cluster, executionId);
    }

    private static void report(Pod pod, String phase, List<ContainerStatus> init, List<ContainerStatus> main) {
        TestCluster.report(cluster, pod, phase, init, main);
    }

    private static ContainerStatus ended(String container, int exitCode, String message) {
        return TestCluster.ended(container, exitCode, message);
    }
}
