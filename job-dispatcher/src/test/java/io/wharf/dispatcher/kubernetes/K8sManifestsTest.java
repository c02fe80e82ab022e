package io.wharf.dispatcher.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wharf.dispatcher.execution.FunctionLimits;
import io.wharf.dispatcher.runtime.Attempt;
import io.wharf.dispatcher.runtime.Outcome;
import io.wharf.supervisor.S3Endpoint;
import io.wharf.testing.KubernetesControlPlane;

/**
 * {@code k8s/} against a real API server and controller manager: both overlays render, the deployment steps of
 * {@code k8s/README.md} apply as written, the Pod Security admission of the restricted namespaces lets the controllers
 * create every service's pods, the dispatcher, using its own ServiceAccount's token, can carry out an execution and
 * read the nodes, and can do nothing beyond that; and the build service, with its own, can make a build's Kaniko Job
 * and its context in {@code wharf-builds} (whose baseline standard admits Kaniko's root pod), follow it and clean it
 * up, and nothing beyond that.
 */
class K8sManifestsTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path K8S = REPO.resolve("k8s");

    private static KubernetesControlPlane plane;
    private static KubernetesClient admin;

    @BeforeAll
    static void deployAsTheReadmeSays() throws Exception {
        plane = TestCluster.plane();
        admin = new KubernetesClientBuilder().withConfig(TestCluster.config("wharf", plane.adminToken())).build();
        for (String step : readmeSteps()) {
            ProcessBuilder shell = new ProcessBuilder("bash", "-euo", "pipefail", "-c", step).directory(REPO.toFile())
                    .redirectErrorStream(true);
            shell.environment().put("KUBECONFIG", plane.kubeconfig().toString());
            shell.environment().put("PATH", plane.kubectlDirectory() + ":" + System.getenv("PATH"));
            Process process = shell.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as("README step %s:%n%s", step, output).isZero();
        }
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    @Test
    void shouldRenderBothOverlaysAndTheMonitoringComponent(@TempDir Path dir) throws IOException {
        for (String overlay : List.of("kubernetes", "openshift")) {
            KubernetesControlPlane.CommandResult rendered = plane.kubectl("kustomize",
                    K8S.resolve("overlays/" + overlay)
                            .toString());
            assertThat(rendered.exitCode()).as(rendered.output()).isZero();
            assertThat(rendered.output()).contains("kind: StatefulSet", "name: wharf-nats", "name: wharf-minio",
                    "kind: Role", "kind: NetworkPolicy", "kind: PodDisruptionBudget", "sync_interval: always",
                    "name: wharf-onetrigger", "image: wharf/onetrigger:0.1.0", "name: wharf-build-service",
                    "image: wharf/build-service:0.1.0", "name: wharf-builds",
                    "pod-security.kubernetes.io/enforce: baseline");
            assertThat(rendered.output().contains("runAsUser: 65534")).isEqualTo(overlay.equals("kubernetes"));
        }
        // the component, added to an overlay as the README says
        Path copy = dir.resolve("k8s");
        copyTree(K8S, copy);
        Path monitored = Files.createDirectories(copy.resolve("overlays/monitored"));
        Files.writeString(monitored.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [../kubernetes]
                components: [../../components/monitoring]
                """);
        KubernetesControlPlane.CommandResult rendered = plane.kubectl("kustomize", monitored.toString());
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        assertThat(rendered.output()).contains("kind: ServiceMonitor", "wharf_executions_total",
                "grafana_dashboard: \"1\"");
    }

    @Test
    void shouldKeepTheNatsPermissionsOfTheManifestsEqualToThePlatformsOwn() throws IOException {
        assertThat(Files.readString(K8S.resolve("base/nats/permissions.conf")))
                .isEqualTo(Files.readString(REPO.resolve("etc/nats-permissions.conf")));
    }

    @Test
    void shouldGiveEveryNatsPermissionsVariableItsUserWithAPasswordFromTheSecret() throws IOException {
        // nats-server refuses to start on a permissions variable that no user uses
        String natsConf = Files.readString(K8S.resolve("base/nats/nats.conf"));
        String statefulSet = Files.readString(K8S.resolve("base/nats/statefulset.yaml"));
        Matcher variable = Pattern.compile("(?m)^WHARF_([A-Z]+)_PERMISSIONS =")
                .matcher(Files.readString(K8S.resolve("base/nats/permissions.conf")));
        List<String> users = new ArrayList<>();
        while (variable.find()) {
            String name = variable.group(1);
            String user = name.toLowerCase(Locale.ROOT);
            users.add(user);
            assertThat(natsConf).contains("{user: %s, password: $NATS_%s_PASSWORD, permissions: $WHARF_%s_PERMISSIONS}"
                    .formatted(user, name, name));
            assertThat(statefulSet).contains("- name: NATS_" + name + "_PASSWORD",
                    "{secretKeyRef: {name: wharf-secrets, key: nats-" + user + "-password}}");
        }
        assertThat(users).contains("gateway", "dispatcher", "onetrigger", "invoker", "builder", "minio");
    }

    @Test
    void shouldBeAcceptedByTheApiServerInBothOverlaysWithEveryPodAdmittedUnderTheRestrictedStandard() {
        KubernetesControlPlane.CommandResult openshift = plane.kubectl("apply", "--dry-run=server", "-k",
                K8S.resolve("overlays/openshift").toString());
        assertThat(openshift.exitCode()).as(openshift.output()).isZero();

        // the real ReplicaSet and StatefulSet controllers create the pods, which Pod Security admission lets in
        for (var expected : Map.of("wharf-event-gateway", 2, "wharf-job-dispatcher", 2, "wharf-onetrigger", 1,
                "wharf-build-service", 1, "wharf-nats", 1, "wharf-minio", 1).entrySet()) {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> admin.pods()
                            .inNamespace("wharf")
                            .withLabel("app.kubernetes.io/name", expected.getKey())
                            .list()
                            .getItems()
                            .size(),
                            n -> n == expected.getValue());
        }
        assertThat(admin.apps()
                .deployments()
                .inNamespace("wharf")
                .withName("wharf-event-gateway")
                .get()
                .getStatus()
                .getConditions()).noneSatisfy(c -> assertThat(c.getType()).isEqualTo("ReplicaFailure"));
    }

    @Test
    void shouldLetTheDispatchersServiceAccountRunAnExecutionAndNothingMore(@TempDir Path work) throws Exception {
        KubernetesControlPlane.CommandResult token = plane.kubectl("-n", "wharf", "create", "token",
                "wharf-job-dispatcher");
        assertThat(token.exitCode()).as(token.output()).isZero();
        KubernetesClient dispatcher = new KubernetesClientBuilder()
                .withConfig(TestCluster.config("wharf-executions", token.output().strip()))
                .build();
        ExecutorService attempts = Executors.newSingleThreadExecutor();
        try (KubernetesRuntime runtime = new KubernetesRuntime(dispatcher,
                TestCluster.config("wharf-executions", Optional.of(65534L), Duration.ofMinutes(5)),
                new FunctionLimits("1", "256Mi", Duration.ofMinutes(5)),
                fn -> Optional.of(new S3Endpoint("http://wharf-minio.wharf.svc:9000", "k", "s", "us-east-1")),
                Clock.systemUTC())) {
            Attempt attempt = attempt(work);
            Future<Outcome> outcome = attempts.submit(() -> runtime.carryOut(attempt));
            Pod pod = await().atMost(Duration.ofSeconds(60))
                    .until(() -> admin.pods()
                            .inNamespace("wharf-executions")
                            .withLabel(ExecutionJobs.EXECUTION_LABEL, attempt.executionId())
                            .list()
                            .getItems()
                            .stream()
                            .findFirst()
                            .orElse(null), p -> p != null);
            var ended = TestCluster.terminated(0, "Completed", null);
            pod.setStatus(new PodStatusBuilder().withPhase("Succeeded")
                    .withInitContainerStatuses(TestCluster.status("fetch", ended), TestCluster.status("run", ended))
                    .withContainerStatuses(TestCluster.status("deliver", TestCluster.terminated(0, "Completed",
                            "rbac-out/x.txt\n")))
                    .build());
            admin.pods().inNamespace("wharf-executions").resource(pod).updateStatus();

            assertThat(outcome.get().outputs()).containsExactly("rbac-out/x.txt");
        } finally {
            attempts.shutdownNow();
        }

        try (KubernetesClient refused = new KubernetesClientBuilder()
                .withConfig(TestCluster.config("wharf-executions", token.output().strip()))
                .build()) {
            // reading the nodes it may (the capacity report), changing them it may not
            assertThat(refused.nodes().list().getItems()).isNotNull();
            List<Runnable> beyondItsRole = new ArrayList<>(List.of(
                    () -> refused.secrets().inNamespace("wharf").list(),
                    () -> refused.secrets().inNamespace("wharf-executions").list(),
                    () -> refused.pods()
                            .inNamespace("wharf-executions")
                            .resource(directPod())
                            .create(),
                    () -> refused.batch().v1().jobs().inNamespace("wharf").list(),
                    () -> refused.nodes()
                            .resource(new NodeBuilder().withNewMetadata()
                                    .withName("planted")
                                    .endMetadata()
                                    .build())
                            .create(),
                    () -> refused.namespaces().withName("wharf-executions").delete(),
                    () -> refused.rbac()
                            .roles()
                            .inNamespace("wharf-executions")
                            .resource(new RoleBuilder()
                                    .withNewMetadata()
                                    .withName("more")
                                    .endMetadata()
                                    .build())
                            .create()));
            for (Runnable call : beyondItsRole) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(403));
            }
        }
    }

    @Test
    void shouldLetTheBuildServicesServiceAccountRunABuildsJobInTheBaselineNamespaceAndNothingMore() throws Exception {
        // the RBAC objects as the manifests make them
        assertThat(admin.rbac().roles().inNamespace("wharf-builds").withName("wharf-build-service").get().getRules())
                .extracting(r -> r.getApiGroups() + " " + r.getResources() + " " + r.getVerbs())
                .containsExactlyInAnyOrder("[batch] [jobs] [create, get, list, watch, delete]",
                        "[] [configmaps] [create, get, delete]", "[] [pods] [get, list, watch]",
                        "[] [pods/log] [get]");
        assertThat(admin.rbac()
                .roleBindings()
                .inNamespace("wharf-builds")
                .withName("wharf-build-service")
                .get()
                .getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getKind() + " " + s.getNamespace() + "/" + s.getName())
                        .isEqualTo("ServiceAccount wharf/wharf-build-service"));
        assertThat(admin.secrets().inNamespace("wharf-builds").withName("wharf-build-registry").get().getType())
                .isEqualTo("kubernetes.io/dockerconfigjson");

        KubernetesControlPlane.CommandResult token = plane.kubectl("-n", "wharf", "create", "token",
                "wharf-build-service");
        assertThat(token.exitCode()).as(token.output()).isZero();
        try (KubernetesClient builder = new KubernetesClientBuilder()
                .withConfig(TestCluster.config("wharf-builds", token.output().strip()))
                .build()) {
            // what KanikoBuilder does: the Job (Kaniko's pod: root, the file-owner capabilities), then its context
            Map<String, String> labels = Map.of("wharf.io/build", "rbac-check");
            Job created = builder.batch()
                    .v1()
                    .jobs()
                    .inNamespace("wharf-builds")
                    .resource(new JobBuilder().withNewMetadata()
                            .withName("wharf-build-rbac-check")
                            .withLabels(labels)
                            .endMetadata()
                            .withNewSpec()
                            .withBackoffLimit(0)
                            .withNewTemplate()
                            .withNewMetadata()
                            .withLabels(labels)
                            .endMetadata()
                            .withNewSpec()
                            .withRestartPolicy("Never")
                            .withAutomountServiceAccountToken(false)
                            .withNewSecurityContext()
                            .withNewSeccompProfile()
                            .withType("RuntimeDefault")
                            .endSeccompProfile()
                            .endSecurityContext()
                            .addNewContainer()
                            .withName("kaniko")
                            .withImage("gcr.io/kaniko-project/executor:v1.23.2")
                            .withNewSecurityContext()
                            .withRunAsUser(0L)
                            .withAllowPrivilegeEscalation(false)
                            .withNewCapabilities()
                            .withDrop("ALL")
                            .withAdd("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID")
                            .endCapabilities()
                            .endSecurityContext()
                            .endContainer()
                            .endSpec()
                            .endTemplate()
                            .endSpec()
                            .build())
                    .create();
            builder.configMaps()
                    .inNamespace("wharf-builds")
                    .resource(new ConfigMapBuilder().withNewMetadata()
                            .withName("wharf-build-rbac-check-context")
                            .withLabels(labels)
                            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1")
                                    .withKind("Job")
                                    .withName(created.getMetadata().getName())
                                    .withUid(created.getMetadata().getUid())
                                    .build())
                            .endMetadata()
                            .withData(Map.of("context.tar.gz", "x"))
                            .build())
                    .create();
            assertThat(builder.configMaps()
                    .inNamespace("wharf-builds")
                    .withName("wharf-build-rbac-check-context")
                    .get()).isNotNull();
            // the real Job controller makes the pod, which the baseline standard admits; the build service reads it
            Pod pod = await().atMost(Duration.ofSeconds(60))
                    .until(() -> builder.pods()
                            .inNamespace("wharf-builds")
                            .withLabel("wharf.io/build", "rbac-check")
                            .list()
                            .getItems()
                            .stream()
                            .findFirst()
                            .orElse(null), p -> p != null);
            assertThat(builder.pods().inNamespace("wharf-builds").withName(pod.getMetadata().getName()).get())
                    .isNotNull();
            assertThat(builder.batch()
                    .v1()
                    .jobs()
                    .inNamespace("wharf-builds")
                    .withName("wharf-build-rbac-check")
                    .get()).isNotNull();
            assertThat(builder.batch().v1().jobs().inNamespace("wharf-builds").list().getItems()).isNotEmpty();
            // its log: no kubelet here to serve it, but the API server lets the build service ask
            try {
                builder.pods()
                        .inNamespace("wharf-builds")
                        .withName(pod.getMetadata().getName())
                        .inContainer("kaniko")
                        .getLog();
            } catch (KubernetesClientException e) {
                assertThat(e.getCode()).as(e.getMessage()).isNotEqualTo(403);
            }
            for (String verb : List.of("watch jobs.batch", "watch pods")) {
                KubernetesControlPlane.CommandResult canI = plane.kubectl(("auth can-i " + verb
                        + " -n wharf-builds --as=system:serviceaccount:wharf:wharf-build-service").split(" "));
                assertThat(canI.output().strip()).as(verb).isEqualTo("yes");
            }

            List<Runnable> beyondItsRole = List.of(
                    () -> builder.secrets().inNamespace("wharf-builds").withName("wharf-build-registry").get(),
                    () -> builder.secrets().inNamespace("wharf-builds").list(),
                    () -> builder.secrets().inNamespace("wharf").list(),
                    () -> builder.configMaps().inNamespace("wharf-builds").list(),
                    () -> builder.configMaps().inNamespace("wharf").list(),
                    () -> builder.batch().v1().jobs().inNamespace("wharf").list(),
                    () -> builder.batch().v1().jobs().inNamespace("wharf-executions").list(),
                    () -> builder.pods()
                            .inNamespace("wharf-builds")
                            .resource(directPod())
                            .create(),
                    () -> builder.pods().inNamespace("wharf-builds").withName(pod.getMetadata().getName()).delete(),
                    () -> builder.nodes().list(),
                    () -> builder.namespaces().withName("wharf-builds").delete(),
                    () -> builder.rbac()
                            .roles()
                            .inNamespace("wharf-builds")
                            .resource(new RoleBuilder()
                                    .withNewMetadata()
                                    .withName("more")
                                    .endMetadata()
                                    .build())
                            .create());
            for (Runnable call : beyondItsRole) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(403));
            }

            // and it cleans up after itself
            assertThat(builder.configMaps()
                    .inNamespace("wharf-builds")
                    .withName("wharf-build-rbac-check-context")
                    .delete()).isNotEmpty();
            assertThat(builder.batch()
                    .v1()
                    .jobs()
                    .inNamespace("wharf-builds")
                    .withName("wharf-build-rbac-check")
                    .delete()).isNotEmpty();
        }
    }

    private static Attempt attempt(Path work) {
        return TestCluster.attempt(work, "name: rbac-check\nimage: localhost/wharf-busybox:1\n"
                + "script: cp $INPUT_FILE_PATH $TMP_OUTPUT_DIR/\n"
                + "input: [{storage_provider: minio, path: rbac-in}]\n"
                + "output: [{storage_provider: minio, path: rbac-out}]\n", "alice", "rbac-in", "x.txt");
    }

    /** The shell steps between the deploy markers of k8s/README.md, one command each (with its continuations). */
    private static List<String> readmeSteps() throws IOException {
        String readme = Files.readString(K8S.resolve("README.md"));
        Matcher block = Pattern.compile("<!-- deploy:start -->\\s*```sh\\n(.*?)```\\s*<!-- deploy:end -->",
                Pattern.DOTALL).matcher(readme);
        assertThat(block.find()).as("k8s/README.md has its deploy steps between the markers").isTrue();
        List<String> steps = new ArrayList<>();
        StringBuilder step = new StringBuilder();
        for (String line : block.group(1).split("\n")) {
            step.append(line).append('\n');
            if (!line.endsWith("\\")) {
                steps.add(step.toString());
                step.setLength(0);
            }
        }
        return steps;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** A pod made directly, not by a Job: what no Wharf service may create. */
    private static Pod directPod() {
        return new PodBuilder().withNewMetadata()
                .withName("direct")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build();
    }

}
