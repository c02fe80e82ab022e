package io.wharf.build.kaniko;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wharf.build.BuildConfig;
import io.wharf.build.Builder;
import io.wharf.build.KanikoBuilder;
import io.wharf.build.TestBuildConfig;
import io.wharf.build.context.BuildContext;
import io.wharf.build.context.GeneratedContexts;
import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;
import io.wharf.contracts.build.BuildRecord;
import io.wharf.testing.KubernetesControlPlane;

/**
 * The Kaniko Job of a build against a real kube-apiserver and kube-controller-manager, as the dispatcher's Jobs are
 * checked: the API server's validation of the Job, the ConfigMap and the {@code kubernetes.io/dockerconfigjson}
 * Secret, Pod Security admission, and the real Job controller creating the pod and completing the Job when the test,
 * playing the node, reports Kaniko's container ended with the digest as its termination message.
 * <p>
 * The build namespace enforces the {@code baseline} Pod Security Standard: Kaniko runs as root in its container and
 * needs a few file-owner capabilities, which {@code restricted} refuses (shown here too).
 */
class KanikoJobsTest {

    private static final String NAMESPACE = "wharf-builds";
    private static final String RESTRICTED_NAMESPACE = "wharf-restricted";
    private static final String REGISTRY = "registry.example.org/wharf-builds";
    private static final String BUILD_ID = "0123456789abcdef";
    private static final String DESTINATION = REGISTRY + "/alice/line-stats:c0ffee";
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    private static final String LABEL_RULE = "--label must be key=value: a key of 1-128 letters, digits, '.', '_',"
            + " '/' or '-', a value of at most 200 characters without control characters";
    private static final KanikoJobs.Settings SETTINGS = new KanikoJobs.Settings(NAMESPACE, null, null, REGISTRY,
            "wharf-registry-push", null, "1", "2Gi", "4Gi", Duration.ofMinutes(30), Duration.ofHours(1));
    /** What the pusher writes to its termination log: the repository it pushed to, and the digest. */
    private static final String PUSHED = REGISTRY + "/alice/line-stats@" + DIGEST;

    /** Kept when a test fails: the servers' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path work;

    private static KubernetesControlPlane plane;
    private static KubernetesClient admin;

    /**
     * The control plane, started by the first test that needs it (the checks of flags, paths and digests run without
     * it), with a build namespace enforcing {@code baseline} and another enforcing {@code restricted}. Missing
     * binaries fail those tests, they never skip them.
     */
    private static synchronized KubernetesClient cluster() throws IOException {
        if (admin == null) {
            plane = new KubernetesControlPlane(work).start();
            admin = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(plane.url())
                    .withOauthToken(plane.adminToken())
                    .withCaCertData(Base64.getEncoder().encodeToString(Files.readAllBytes(plane.certificate())))
                    .withNamespace(NAMESPACE)
                    .withRequestRetryBackoffLimit(0)
                    .build()).build();
            namespace(NAMESPACE, "baseline");
            namespace(RESTRICTED_NAMESPACE, "restricted");
        }
        return admin;
    }

    @AfterAll
    static void stopControlPlane() {
        if (admin != null) {
            admin.close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void shouldBeAcceptedAndRunByTheRealJobControllerInABaselineNamespace() throws IOException {
        KubernetesClient client = cluster();
        String contextConfigMap = KanikoJobs.jobName(BUILD_ID) + "-context";
        client.configMaps()
                .resource(new ConfigMapBuilder().withNewMetadata()
                        .withName(contextConfigMap)
                        .endMetadata()
                        .addToBinaryData(KanikoJobs.CONTEXT_KEY, base64(gzip("FROM localhost/wharf-busybox:1\n")))
                        .build())
                .create();
        // the API server checks the type's key holds JSON
        client.secrets()
                .resource(new SecretBuilder().withNewMetadata()
                        .withName(SETTINGS.registrySecret())
                        .endMetadata()
                        .withType("kubernetes.io/dockerconfigjson")
                        .addToData(KanikoJobs.DOCKER_CONFIG_KEY, base64(("{\"auths\":{\"registry.example.org\":"
                                + "{\"auth\":\"" + base64("wharf:secret".getBytes(StandardCharsets.UTF_8)) + "\"}}}")
                                .getBytes(StandardCharsets.UTF_8)))
                        .build())
                .create();
        Job job = new KanikoJobs(SETTINGS).job(plan(contextConfigMap, List.of("--cache=true", "--target=runtime")));

        Job created = client.batch().v1().jobs().resource(job).create();

        assertThat(created.getMetadata().getName()).isEqualTo("wharf-build-" + BUILD_ID);
        assertThat(created.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(created.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by",
                "wharf-build-service").containsEntry("wharf.io/build", BUILD_ID);
        assertThat(created.getSpec().getBackoffLimit()).isZero();
        assertThat(created.getSpec().getActiveDeadlineSeconds()).isEqualTo(30 * 60L);
        assertThat(created.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
        // the same build again finds its Job: the name is taken
        assertThatThrownBy(() -> client.batch().v1().jobs().resource(job).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

        // the real Job controller makes the pod, which the baseline standard admits
        Pod pod = await().atMost(Duration.ofSeconds(60))
                .until(() -> client.pods()
                        .withLabel(KanikoJobs.BUILD_LABEL, BUILD_ID)
                        .list()
                        .getItems()
                        .stream()
                        .findFirst()
                        .orElse(null), p -> p != null);
        assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "wharf-build-service");
        PodSpec spec = pod.getSpec();
        assertThat(spec.getRestartPolicy()).isEqualTo("Never");
        assertThat(spec.getAutomountServiceAccountToken()).isFalse();
        assertThat(spec.getEnableServiceLinks()).isFalse();
        assertThat(spec.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(spec.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(spec.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
        assertThat(spec.getSecurityContext().getFsGroup()).isEqualTo(65532L);
        assertThat(spec.getVolumes()).extracting(Volume::getName)
                .containsExactlyInAnyOrder("context", "image", "push-credentials");
        Volume context = volume(spec, "context");
        assertThat(context.getConfigMap().getName()).isEqualTo(contextConfigMap);
        assertThat(context.getConfigMap().getItems()).singleElement().satisfies(i -> {
            assertThat(i.getKey()).isEqualTo("context.tar.gz");
            assertThat(i.getPath()).isEqualTo("context.tar.gz");
        });
        assertThat(volume(spec, "image").getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("4Gi"));
        Volume pushCredentials = volume(spec, "push-credentials");
        assertThat(pushCredentials.getSecret().getSecretName()).isEqualTo("wharf-registry-push");
        assertThat(pushCredentials.getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(pushCredentials.getSecret().getItems()).singleElement().satisfies(i -> {
            assertThat(i.getKey()).isEqualTo(".dockerconfigjson");
            assertThat(i.getPath()).isEqualTo("config.json");
        });

        // Kaniko builds into an archive, first, and has no credentials: its RUN lines are user code
        assertThat(spec.getInitContainers()).hasSize(1);
        Container kaniko = spec.getInitContainers().get(0);
        assertThat(kaniko.getName()).isEqualTo("kaniko");
        assertThat(kaniko.getImage()).isEqualTo("gcr.io/kaniko-project/executor:v1.23.2");
        assertThat(kaniko.getArgs()).containsExactly(
                "--context=tar:///workspace/context.tar.gz",
                "--dockerfile=docker/Containerfile",
                "--destination=" + DESTINATION,
                "--no-push",
                "--tar-path=/image/image.tar",
                "--cache",
                "--target=runtime");
        Map<String, Quantity> expected = Map.of("cpu", new Quantity("1"), "memory", new Quantity("2Gi"),
                "ephemeral-storage", new Quantity("4Gi"));
        assertThat(kaniko.getResources().getLimits()).isEqualTo(expected);
        assertThat(kaniko.getResources().getRequests()).isEqualTo(expected);
        assertThat(kaniko.getVolumeMounts()).extracting(m -> m.getName() + " " + m.getMountPath() + " "
                + Boolean.TRUE.equals(m.getReadOnly()))
                .containsExactlyInAnyOrder("context /workspace true", "image /image false");
        assertThat(kaniko.getEnv()).isEmpty();
        assertThat(kaniko.getEnvFrom()).isEmpty();
        assertThat(kaniko.getSecurityContext().getPrivileged()).isFalse();
        assertThat(kaniko.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(kaniko.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(kaniko.getSecurityContext().getCapabilities().getAdd())
                .containsExactly("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID");

        // then the pusher, the only one with the push credentials, as a user with nothing it does not need
        assertThat(spec.getContainers()).hasSize(1);
        Container pusher = spec.getContainers().get(0);
        assertThat(pusher.getName()).isEqualTo("push");
        assertThat(pusher.getImage()).isEqualTo("gcr.io/go-containerregistry/crane:v0.20.2");
        assertThat(pusher.getArgs()).containsExactly("push", "/image/image.tar", DESTINATION,
                "--image-refs=/dev/termination-log");
        assertThat(pusher.getEnv()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("DOCKER_CONFIG");
            assertThat(e.getValue()).isEqualTo("/push-credentials");
        });
        assertThat(pusher.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(pusher.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(pusher.getVolumeMounts()).extracting(m -> m.getName() + " " + m.getMountPath() + " "
                + Boolean.TRUE.equals(m.getReadOnly()))
                .containsExactlyInAnyOrder("image /image true",
                        "push-credentials /push-credentials true");
        assertThat(pusher.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pusher.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pusher.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(pusher.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(pusher.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pusher.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(pusher.getResources().getLimits()).isEqualTo(pusher.getResources().getRequests());

        // playing the node: Kaniko built the archive, the pusher pushed it and wrote the reference it pushed
        Pod current = client.pods().withName(pod.getMetadata().getName()).get();
        current.setStatus(new PodStatusBuilder().withPhase("Succeeded")
                .withInitContainerStatuses(status("kaniko", terminated(0, null)))
                .withContainerStatuses(status("push", terminated(0, PUSHED + "\n")))
                .build());
        client.pods().resource(current).updateStatus();

        assertThat(KanikoJobs.digestOf(client.pods().withName(pod.getMetadata().getName()).get())).contains(DIGEST);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> client.batch().v1().jobs().withName(job.getMetadata().getName()).get().getStatus(),
                        s -> s != null && s.getSucceeded() != null && s.getSucceeded() == 1);
    }

    @Test
    void shouldBeRefusedByTheRestrictedStandardWhichIsWhyTheBuildNamespaceEnforcesBaseline() throws IOException {
        KubernetesClient client = cluster();
        Job job = new KanikoJobs(SETTINGS).job(plan("wharf-build-context", List.of()));
        Pod pod = new PodBuilder().withMetadata(job.getSpec().getTemplate().getMetadata())
                .editMetadata()
                .withName("kaniko-restricted")
                .withNamespace(RESTRICTED_NAMESPACE)
                .endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec())
                .build();

        assertThatThrownBy(() -> client.pods().inNamespace(RESTRICTED_NAMESPACE).resource(pod).dryRun().create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("violates PodSecurity \"restricted")
                            .contains("runAsNonRoot")
                            .contains("unrestricted capabilities");
                });
        // the same pod in the build namespace passes
        Pod inBaseline = pod.edit().editMetadata().withNamespace(NAMESPACE).endMetadata().build();
        assertThat(client.pods().inNamespace(NAMESPACE).resource(inBaseline).dryRun().create()).isNotNull();
    }

    @Test
    void shouldGiveKanikoOnlyThePullCredentialsAndOnlyWhenOneIsNamed() {
        KanikoJobs withPull = new KanikoJobs(new KanikoJobs.Settings(NAMESPACE, null, null, REGISTRY,
                "wharf-registry-push", "wharf-registry-pull", "1", "2Gi", "4Gi", Duration.ofMinutes(30),
                Duration.ofHours(1)));
        PodSpec spec = withPull.job(plan("ctx", List.of())).getSpec().getTemplate().getSpec();

        assertThat(volume(spec, "pull-credentials").getSecret().getSecretName()).isEqualTo("wharf-registry-pull");
        assertThat(spec.getInitContainers().get(0).getVolumeMounts())
                .extracting(m -> m.getName() + " " + m.getMountPath() + " "
                        + Boolean.TRUE.equals(m.getReadOnly()))
                .contains("pull-credentials /kaniko/.docker true")
                .noneMatch(m -> m.startsWith("push-credentials"));
        assertThat(spec.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getName())
                .doesNotContain("pull-credentials");
    }

    @Test
    void shouldRefuseAContainerfileOutsideTheContextOrOnTheArchiveItself() {
        for (String path : List.of("../Containerfile", "/etc/passwd", "docker/../../x", "..data/context.tar.gz",
                "context.tar.gz", "docker//Containerfile", "docker/", "./Containerfile", "", "a b",
                "tar://x")) {
            assertThatThrownBy(() -> plan("ctx", path, DESTINATION, List.of())).as(path)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("containerfile must be a relative path");
        }
        assertThat(plan("ctx", ".devcontainer/Containerfile.build", DESTINATION, List.of()).containerfile())
                .isEqualTo(".devcontainer/Containerfile.build");
    }

    @Test
    void shouldRefuseADestinationOutsideTheConfiguredRegistry() {
        KanikoJobs jobs = new KanikoJobs(SETTINGS);
        for (String destination : List.of("docker.io/evil/image:1", REGISTRY + "-evil/image:1",
                "registry.example.org/other:1", REGISTRY + "/../other:1", REGISTRY + "/Alice:1",
                REGISTRY + "/alice:1/more")) {
            assertThatThrownBy(() -> jobs.job(plan("ctx", "Containerfile", destination, List.of())))
                    .as(destination)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not an image reference inside the registry " + REGISTRY);
        }
        KanikoJobs bareHost = new KanikoJobs(new KanikoJobs.Settings(NAMESPACE, "kaniko:1", null,
                "registry.example.org", "push", null, "1", "1Gi", "1Gi", Duration.ofMinutes(1),
                Duration.ofMinutes(1)));
        assertThatThrownBy(() -> bareHost.job(plan("ctx", "Containerfile", "registry.example.org:5000/x", List.of())))
                .isInstanceOf(IllegalArgumentException.class);
        // the registry's own repository, tagged
        Job tagged = jobs.job(plan("ctx", "Containerfile", REGISTRY + ":" + BUILD_ID, List.of()));
        assertThat(tagged.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs())
                .contains("--destination=" + REGISTRY + ":" + BUILD_ID);
        assertThat(tagged.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains(REGISTRY + ":" + BUILD_ID);
    }

    @Test
    void shouldCheckTheFlagsAgainWhenThePlanIsMade() {
        assertThatThrownBy(() -> plan("ctx", List.of("--destination=docker.io/evil/image:1")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field)
                        .containsExactly("build.kaniko_flags[0]"));
    }

    @Test
    void shouldAcceptEveryAllowedFlagAndWriteSwitchesThatAreOnBare() {
        List<String> flags = List.of("--cache=true", "--cache-ttl=1h30m", "--cache-copy-layers=false",
                "--cache-run-layers", "--compressed-caching=false", "--snapshot-mode=redo", "--single-snapshot",
                "--use-new-run=true", "--skip-unused-stages", "--target=build.stage_1-a", "--log-format=json",
                "--verbosity=debug", "--cleanup", "--reproducible", "--label=org.opencontainers.image.title=Line stats",
                "--label=empty=");

        assertThat(KanikoFlags.check(flags)).containsExactly("--cache", "--cache-ttl=1h30m",
                "--cache-copy-layers=false", "--cache-run-layers", "--compressed-caching=false", "--snapshot-mode=redo",
                "--single-snapshot", "--use-new-run", "--skip-unused-stages", "--target=build.stage_1-a",
                "--log-format=json", "--verbosity=debug", "--cleanup", "--reproducible",
                "--label=org.opencontainers.image.title=Line stats", "--label=empty=");
        assertThat(KanikoFlags.check(null)).isEmpty();
        assertThat(KanikoFlags.check(List.of())).isEmpty();
        assertThat(KanikoFlags.allowedNames()).containsExactly("--cache", "--cache-ttl", "--cache-copy-layers",
                "--cache-run-layers", "--compressed-caching", "--snapshot-mode", "--single-snapshot", "--use-new-run",
                "--skip-unused-stages", "--target", "--log-format", "--verbosity", "--cleanup", "--reproducible",
                "--label");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--destination=docker.io/evil/image:1", "--context=dir:///", "--dockerfile=/etc/shadow",
            "--digest-file=/tmp/d", "--build-arg=TOKEN=x", "--insecure", "--insecure-pull", "--insecure-registry=r",
            "--skip-tls-verify", "--skip-tls-verify-pull", "--skip-tls-verify-registry=r", "--registry-mirror=m",
            "--registry-certificate=r=/c", "--registry-map=a=b", "--oci-layout-path=/o", "--tar-path=/t", "--no-push",
            "--kaniko-dir=/k", "--ignore-path=/", "--force", "--cache-repo=docker.io/evil", "--cache-dir=/",
            "--image-name-with-digest-file=/f", "--secret=id=x", "--push-retry=9", "-d", "--", "--Cache",
            "cache"})
    void shouldRefuseAFlagWharfSetsItselfOrThatWeakensTheBuild(String flag) {
        String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;

        assertThatThrownBy(() -> KanikoFlags.check(List.of("--cache", flag)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations()).singleElement()
                        .satisfies(v -> {
                            assertThat(v.field()).isEqualTo("build.kaniko_flags[1]");
                            assertThat(v.rule()).startsWith(name + " is not allowed (allowed: --cache, --cache-ttl, ");
                        }));
    }

    @Test
    void shouldRefuseBadValuesNamingEachFlagAtItsIndex() {
        List<String> flags = List.of("--snapshot-mode=fast", "--target=../stage", "--log-format=xml",
                "--verbosity=trace", "--label=novalue", "--label=k=line\nbreak", "--cache-ttl=forever", "--target",
                "--cache=yes", "--label=" + "k".repeat(129) + "=v");

        assertThatThrownBy(() -> KanikoFlags.check(flags))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations()).containsExactly(
                        new Violation("build.kaniko_flags[0]", "--snapshot-mode must be one of full, redo, time"),
                        new Violation("build.kaniko_flags[1]",
                                "--target must be a stage name: 1-64 letters, digits, '.', '_' or '-'"),
                        new Violation("build.kaniko_flags[2]", "--log-format must be one of text, color, json"),
                        new Violation("build.kaniko_flags[3]",
                                "--verbosity must be one of panic, fatal, error, warn, info, debug"),
                        new Violation("build.kaniko_flags[4]", LABEL_RULE),
                        new Violation("build.kaniko_flags[5]", LABEL_RULE),
                        new Violation("build.kaniko_flags[6]", "--cache-ttl must be a duration such as 6h or 1h30m"),
                        new Violation("build.kaniko_flags[7]", "--target needs a value:"
                                + " --target=<a stage name: 1-64 letters, digits, '.', '_' or '-'>"),
                        new Violation("build.kaniko_flags[8]", "--cache must be true or false"),
                        new Violation("build.kaniko_flags[9]", LABEL_RULE)));
    }

    @Test
    void shouldRefuseRepeatedFlagsButLabels() {
        assertThat(KanikoFlags.check(List.of("--label=a=1", "--label=b=2"))).hasSize(2);
        assertThatThrownBy(() -> KanikoFlags.check(List.of("--cache", "--target=a", "--cache=false")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .containsExactly(new Violation("build.kaniko_flags[2]", "--cache is given more than once")));
    }

    @Test
    void shouldRefuseMoreThan32FlagsAndAFlagLongerThan256Characters() {
        assertThatThrownBy(() -> KanikoFlags.check(Collections.nCopies(33, "--label=a=b")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .containsExactly(new Violation("build.kaniko_flags", "at most 32 flags, not 33")));
        assertThat(KanikoFlags.check(Collections.nCopies(32, "--label=a=b"))).hasSize(32);
        assertThatThrownBy(() -> KanikoFlags.check(List.of("--label=a=" + "v".repeat(247))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .containsExactly(new Violation("build.kaniko_flags[0]", "must have at most 256 characters")));
        assertThatThrownBy(() -> KanikoFlags.check(Arrays.asList("--cache", null, "")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field)
                        .containsExactly("build.kaniko_flags[1]", "build.kaniko_flags[2]"));
    }

    @Test
    void shouldReadTheDigestOnlyFromAPusherThatEndedWell() {
        assertThat(KanikoJobs.digestOf(pod(status("push", terminated(0, PUSHED))))).contains(DIGEST);
        assertThat(KanikoJobs.digestOf(pod(status("push", terminated(0, "  " + PUSHED + "\n"))))).contains(DIGEST);

        for (String garbage : List.of("", "not a digest", DIGEST, REGISTRY + "@sha256:" + "A".repeat(64),
                REGISTRY + "@sha256:" + "0".repeat(63), REGISTRY + "@sha512:" + "0".repeat(64),
                PUSHED + "\nerror: push failed", REGISTRY + "@sha256:" + "0".repeat(65),
                "error pushing image: " + PUSHED, PUSHED + "\n" + PUSHED)) {
            assertThat(KanikoJobs.digestOf(pod(status("push", terminated(0, garbage))))).as(garbage).isEmpty();
        }
        assertThat(KanikoJobs.digestOf(pod(status("push", terminated(1, PUSHED))))).isEmpty();
        assertThat(KanikoJobs.digestOf(pod(status("push", terminated(0, null))))).isEmpty();
        // Kaniko's own container has no say: its RUN lines are user code
        assertThat(KanikoJobs.digestOf(pod(status("kaniko", terminated(0, PUSHED))))).isEmpty();
        assertThat(KanikoJobs.digestOf(pod(status("push", new ContainerStateBuilder().withNewRunning()
                .withStartedAt(Instant.now().toString())
                .endRunning()
                .build())))).isEmpty();
        assertThat(KanikoJobs.digestOf(new PodBuilder().withNewMetadata().withName("p").endMetadata().build()))
                .isEmpty();
        assertThat(KanikoJobs.digestOf(null)).isEmpty();
    }

    @Test
    void theBuilderRunsABuildAsAJobAndTakesItsDigestFromThePod() throws Exception {
        KubernetesClient client = cluster();
        client.secrets()
                .resource(new SecretBuilder().withNewMetadata()
                        .withName("wharf-build-registry")
                        .endMetadata()
                        .withType("kubernetes.io/dockerconfigjson")
                        .withData(Map.of(".dockerconfigjson", base64("{\"auths\":{}}".getBytes(
                                StandardCharsets.UTF_8))))
                        .build())
                .createOr(existing -> existing.update());
        String id = "feedfacefeedface";
        BuildRecord build = new BuildRecord(id, "alice", BuildRecord.RUNNING, REGISTRY + "/ualice:" + id, null, null,
                "h", 10, "Containerfile", Instant.now(), Instant.now(), null, 1, List.of("--cache"));
        BuildContext context = GeneratedContexts.of(new io.wharf.contracts.build.BuildSpec(
                "FROM localhost/wharf-busybox:1\n", null, null, null, null), "build");
        KanikoBuilder builder = new KanikoBuilder(client, buildConfig());
        java.util.concurrent.CompletableFuture<Builder.Outcome> outcome = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return builder.build(build, context, work, work.resolve(id + ".log"));
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });

        Pod pod = await("the build's pod").atMost(Duration.ofSeconds(60))
                .until(() -> client.pods().withLabel(KanikoJobs.BUILD_LABEL, id + "-1").list().getItems(),
                        l -> !l.isEmpty())
                .get(0);
        assertThat(client.configMaps().withName(KanikoJobs.jobName(id + "-1") + "-context").get().getBinaryData())
                .containsKey(KanikoJobs.CONTEXT_KEY);
        assertThat(client.configMaps()
                .withName(KanikoJobs.jobName(id + "-1") + "-context")
                .get()
                .getMetadata()
                .getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("Job"));
        pod.setStatus(new PodStatusBuilder().withPhase("Succeeded")
                .withInitContainerStatuses(status("kaniko", terminated(0, null)))
                .withContainerStatuses(status("push", terminated(0, PUSHED + "\n")))
                .build());
        client.pods().resource(pod).updateStatus();

        Builder.Outcome done = outcome.get(90, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.succeeded()).as(String.valueOf(done.failure())).isTrue();
        assertThat(done.digest()).isEqualTo(DIGEST);
        // asked again (the service stopped while it built): the Job is adopted, not made twice
        assertThat(builder.build(build, context, work, work.resolve(id + "-again.log")).digest()).isEqualTo(DIGEST);
        assertThat(client.batch().v1().jobs().withLabel(KanikoJobs.BUILD_LABEL, id + "-1").list().getItems())
                .hasSize(1);
    }

    @Test
    void aContextTooLargeForAConfigMapFailsWithoutAJob() throws Exception {
        KubernetesClient client = cluster();
        String id = "0badc0de0badc0de";
        BuildRecord build = new BuildRecord(id, "alice", BuildRecord.RUNNING, REGISTRY + "/ualice:" + id, null, null,
                "h", 10, "Containerfile", Instant.now(), Instant.now(), null, 1, List.of());
        byte[] noise = new byte[KanikoBuilder.MAX_CONTEXT_BYTES + 1];
        new java.util.Random(1).nextBytes(noise);
        BuildContext context = new BuildContext(List.of(new BuildContext.Entry("Containerfile", false, false,
                "FROM x\n".getBytes(StandardCharsets.UTF_8)), new BuildContext.Entry("noise", false, false, noise)),
                "Containerfile");

        Builder.Outcome outcome = new KanikoBuilder(client, buildConfig()).build(build, context, work,
                work.resolve(id + ".log"));

        assertThat(outcome.failure()).contains("too large for a Kaniko build");
        assertThat(client.batch().v1().jobs().withLabel(KanikoJobs.BUILD_LABEL, id + "-1").list().getItems()).isEmpty();
    }

    /** The build service's configuration for Kaniko builds into the test namespace. */
    private static BuildConfig.Build buildConfig() {
        return TestBuildConfig.kaniko(new TestBuildConfig.Kubernetes(NAMESPACE, KanikoJobs.DEFAULT_EXECUTOR_IMAGE,
                KanikoJobs.DEFAULT_PUSHER_IMAGE, REGISTRY, "wharf-build-registry", java.util.Optional.empty(), "1",
                "2Gi", "4Gi", Duration.ofHours(1)));
    }

    private static KanikoJobs.Plan plan(String contextConfigMap, List<String> flags) {
        return plan(contextConfigMap, "docker/Containerfile", DESTINATION, flags);
    }

    private static KanikoJobs.Plan plan(String contextConfigMap, String containerfile, String destination,
            List<String> flags) {
        return new KanikoJobs.Plan(BUILD_ID, destination, contextConfigMap, containerfile, flags);
    }

    private static Volume volume(PodSpec spec, String name) {
        return spec.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Pod pod(ContainerStatus status) {
        return new PodBuilder().withNewMetadata()
                .withName("p")
                .endMetadata()
                .withStatus(new PodStatusBuilder().withPhase("Succeeded").withContainerStatuses(status).build())
                .build();
    }

    private static ContainerState terminated(int exitCode, String message) {
        String now = Instant.now().toString();
        return new ContainerStateBuilder().withNewTerminated()
                .withExitCode(exitCode)
                .withReason(exitCode == 0 ? "Completed" : "Error")
                .withMessage(message)
                .withStartedAt(now)
                .withFinishedAt(now)
                .endTerminated()
                .build();
    }

    private static ContainerStatus status(String container, ContainerState state) {
        return new ContainerStatusBuilder().withName(container)
                .withImage(KanikoJobs.DEFAULT_EXECUTOR_IMAGE)
                .withImageID(KanikoJobs.DEFAULT_EXECUTOR_IMAGE)
                .withReady(false)
                .withRestartCount(0)
                .withState(state)
                .build();
    }

    private static void namespace(String name, String podSecurityLevel) {
        admin.namespaces()
                .resource(new NamespaceBuilder().withNewMetadata()
                        .withName(name)
                        .addToLabels("pod-security.kubernetes.io/enforce", podSecurityLevel)
                        .endMetadata()
                        .build())
                .create();
        // the service account admission refuses pods until the namespace's default service account exists
        await().atMost(Duration.ofSeconds(60))
                .until(() -> admin.serviceAccounts().inNamespace(name).withName("default").get() != null);
    }

    /** Not a real build context: the API server stores it and nobody unpacks it here. */
    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
