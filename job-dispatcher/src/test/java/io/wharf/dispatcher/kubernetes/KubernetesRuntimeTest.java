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
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.wharf.dispatcher.execution.FunctionLimits;
import io.wharf.dispatcher.runtime.Attempt;
import io.wharf.dispatcher.runtime.Outcome;
import io.wharf.dispatcher.runtime.RefusedAttempt;
import io.wharf.supervisor.S3Endpoint;
import io.wharf.supervisor.Workspace;

/**
 * The Kubernetes runtime against a real kube-apiserver and kube-controller-manager. The test plays the node (there is
 * no kubelet): it writes the pod's container statuses, and the real Job controller's verdict on them (complete,
 * failed, deadline exceeded) is what the runtime turns into the attempt's outcome.
 */
class KubernetesRuntimeTest {

    private static final String NAMESPACE = "wharf-runtime";
    private static final S3Endpoint STORE = new S3Endpoint("http://minio.wharf.svc:9000", "fn-access",
            "fn-secret-key", "us-east-1");

    private static KubernetesClient admin;
    private final ExecutorService attempts = Executors.newCachedThreadPool();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    @TempDir
    Path work;

    @BeforeAll
    static void connect() {
        admin = TestCluster.client(NAMESPACE);
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    @AfterEach
    void stopAttempts() {
        attempts.shutdownNow();
    }

    @Test
    void shouldRunTheJobToItsEndAndReportTheDeliveredOutputsWithTheKeysInTheFunctionsSecret() throws Exception {
        try (KubernetesRuntime runtime = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            Attempt attempt = attempt("rt-ok", "a.txt", 60);
            Future<Outcome> outcome = carryOut(runtime, attempt);

            Pod pod = awaitPod(attempt.executionId());
            scriptRunning(pod);
            await().atMost(Duration.ofSeconds(30)).until(() -> started.get() == 1);
            report(pod, "Succeeded", List.of(done("fetch", 0, null), done("run", 0, null)),
                    List.of(done("deliver", 0, "out/a.txt.out\nout/a.txt.log\n")));

            Outcome ended = outcome.get();
            assertThat(ended.failure()).isNull();
            assertThat(ended.outputs()).containsExactly("out/a.txt.out", "out/a.txt.log");
            assertThat(started).hasValue(1);
            // the function's keys are in its own Secret, for the supervisor's steps; the event in the execution's
            Secret storage = admin.secrets().withName(ExecutionJobs.storageSecretName("rt-ok")).get();
            assertThat(decoded(storage, "WHARF_S3_ACCESS_KEY")).isEqualTo("fn-access");
            assertThat(decoded(storage, "WHARF_S3_SECRET_KEY")).isEqualTo("fn-secret-key");
            Secret execution = admin.secrets().withName(ExecutionJobs.executionSecretName(attempt.executionId())).get();
            assertThat(decoded(execution, "event.json")).contains("a.txt");
            assertThat(execution.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getKind()).isEqualTo("Job"));
            // the pod's steps' logs, in order (empty here: the API server serves no log of a pod without a node)
            assertThat(Files.readString(attempt.workspace().logFile()))
                    .containsSubsequence("--- fetch ---", "--- run ---", "--- deliver ---");
        }
    }

    @Test
    void shouldReportTheScriptsExitCodeWhenTheRunStepFails() throws Exception {
        try (KubernetesRuntime runtime = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            Attempt attempt = attempt("rt-exit", "b.txt", 60);
            Future<Outcome> outcome = carryOut(runtime, attempt);

            Pod pod = awaitPod(attempt.executionId());
            report(pod, "Failed", List.of(done("fetch", 0, null), done("run", 3, null)), List.of());

            Outcome ended = outcome.get();
            assertThat(ended.result().exitCode()).isEqualTo(3);
            assertThat(ended.failure()).isEqualTo("the script exited with 3");
            assertThat(ended.outputs()).isEmpty();
            // the script's verdict is final: its Job stays for inspection until its time to live lapses
            assertThat(job(attempt.executionId())).isNotNull();
        }
    }

    @Test
    void shouldReportAnOomKilledScriptAsKilledForItsMemory() throws Exception {
        try (KubernetesRuntime runtime = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            Attempt attempt = attempt("rt-oom", "c.txt", 60);
            Future<Outcome> outcome = carryOut(runtime, attempt);

            Pod pod = awaitPod(attempt.executionId());
            report(pod, "Failed", List.of(done("fetch", 0, null), status("run", 137, "OOMKilled")), List.of());

            assertThat(outcome.get().failure()).isEqualTo("was killed: it ran out of memory (OOMKilled)");
        }
    }

    @Test
    void shouldReportTheJobsDeadlineAsATimeoutWhenTheDispatcherDidNotStopTheScriptFirst() throws Exception {
        // the dispatcher's clock an hour behind: its own timeout never fires, the Job's deadline (the timeout plus
        // the pending limit, 2s) is what ends the script, as when no dispatcher is watching
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        try (KubernetesRuntime runtime = runtime(Duration.ofSeconds(1), behind)) {
            Attempt attempt = attempt("rt-deadline", "d.txt", 1);
            Future<Outcome> outcome = carryOut(runtime, attempt);

            Pod pod = awaitPod(attempt.executionId());
            scriptRunning(pod);

            Outcome ended = outcome.get();
            assertThat(ended.result().timedOut()).isTrue();
            assertThat(ended.failure()).isEqualTo("timed out after 1s and was killed");
            assertThat(job(attempt.executionId()).getStatus().getConditions())
                    .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("DeadlineExceeded"));
        }
    }

    @Test
    void shouldStopAScriptThatOutlivesItsTimeout() throws Exception {
        try (KubernetesRuntime runtime = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            Attempt attempt = attempt("rt-timeout", "e.txt", 1);
            Future<Outcome> outcome = carryOut(runtime, attempt);

            Pod pod = awaitPod(attempt.executionId());
            scriptRunning(pod);

            assertThat(outcome.get().failure()).isEqualTo("timed out after 1s and was killed");
            await().atMost(Duration.ofSeconds(30)).until(() -> job(attempt.executionId()) == null);
        }
    }

    @Test
    void shouldFailThePlatformNotTheScriptWhenTheImageCannotBePulledAndRemoveTheJobForTheRetry() throws Exception {
        try (KubernetesRuntime runtime = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            Attempt attempt = attempt("rt-pull", "f.txt", 60);
            Future<Outcome> outcome = carryOut(runtime, attempt);

            Pod pod = awaitPod(attempt.executionId());
            report(pod, "Pending", List.of(done("fetch", 0, null), container("run",
                    TestCluster.waiting("ImagePullBackOff", "Back-off pulling image \"nowhere/none:1\""))), List.of());

            assertThat(failureOf(outcome)).isInstanceOf(IOException.class)
                    .hasMessageContaining("the image of its run step cannot be pulled (ImagePullBackOff)");
            assertThat(started).hasValue(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> job(attempt.executionId()) == null);
        }
    }

    @Test
    void shouldGiveUpOnAPodThatDoesNotStartWithinThePendingLimitSayingWhy() throws Exception {
        try (KubernetesRuntime runtime = runtime(Duration.ofSeconds(2), Clock.systemUTC())) {
            Attempt attempt = attempt("rt-pending", "g.txt", 60);
            Future<Outcome> outcome = carryOut(runtime, attempt);

            assertThat(failureOf(outcome)).isInstanceOf(IOException.class)
                    .hasMessageContaining("its pod did not start within 2s");
            await().atMost(Duration.ofSeconds(30)).until(() -> job(attempt.executionId()) == null);
        }
    }

    @Test
    void shouldAdoptTheJobOfAnEarlierAttemptAfterARestartInsteadOfStartingASecondOne() throws Exception {
        Attempt first = attempt("rt-adopt", "h.txt", 60);
        String uid;
        try (KubernetesRuntime runtime = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            Future<Outcome> outcome = carryOut(runtime, first);
            awaitPod(first.executionId());
            uid = job(first.executionId()).getMetadata().getUid();
            // the dispatcher stops: the attempt is interrupted and handed back; its Job runs on
            outcome.cancel(true);
            runtime.handBack(first.executionId());
        }
        assertThat(job(first.executionId())).isNotNull();

        try (KubernetesRuntime restarted = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            restarted.takeOver(first.executionId());
            Attempt second = new Attempt(first.executionId(), first.envelope(), first.function(),
                    Workspace.create(Files.createDirectories(work.resolve("second")), first.executionId()),
                    started::incrementAndGet,
                    cancelled::get);
            Future<Outcome> outcome = carryOut(restarted, second);
            Pod pod = awaitPod(first.executionId());
            report(pod, "Succeeded", List.of(done("fetch", 0, null), done("run", 0, null)),
                    List.of(done("deliver", 0, "out/h.txt\n")));

            assertThat(outcome.get().outputs()).containsExactly("out/h.txt");
            assertThat(admin.batch()
                    .v1()
                    .jobs()
                    .withLabel(ExecutionJobs.EXECUTION_LABEL, first.executionId())
                    .list()
                    .getItems()).singleElement()
                    .satisfies(j -> assertThat(j.getMetadata().getUid()).isEqualTo(uid));
            assertThat(Files.readString(second.workspace().logFile())).contains("adopted, not started again");
        }
    }

    @Test
    void shouldMountOnlyTheVolumesOfferedToTheFunctionsOwnerAndOnlyAsOffered() throws Exception {
        try (KubernetesRuntime runtime = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            Attempt allowed = attempt("rt-volumes", "v.txt", 60, "alice",
                    "volumes: [{name: survey-data, mount_path: /data/survey}, "
                            + "{name: scratch, mount_path: /scratch, read_only: false}]\n");
            carryOut(runtime, allowed);
            Pod pod = awaitPod(allowed.executionId());
            assertThat(pod.getSpec().getInitContainers().get(1).getVolumeMounts())
                    .extracting(m -> m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly()) ? " ro" : " rw"))
                    .contains("/data/survey ro", "/scratch rw");

            // bob was not offered survey-data: the same answer as for a volume that does not exist
            Attempt notOffered = attempt("rt-volumes-bob", "v.txt", 60, "bob",
                    "volumes: [{name: survey-data, mount_path: /data/survey}]\n");
            assertThatThrownBy(() -> runtime.carryOut(notOffered)).isInstanceOf(RefusedAttempt.class)
                    .hasMessage("volumes[0].name: no volume 'survey-data' is offered to bob on this platform");
            Attempt writing = attempt("rt-volumes-rw", "v.txt", 60, "alice",
                    "volumes: [{name: survey-data, mount_path: /data/survey, read_only: false}]\n");
            assertThatThrownBy(() -> runtime.carryOut(writing)).isInstanceOf(RefusedAttempt.class)
                    .hasMessage("volumes[0].read_only: volume 'survey-data' may only be mounted read-only");
            assertThat(job(notOffered.executionId())).isNull();
            assertThat(job(writing.executionId())).isNull();
        }
    }

    @Test
    void shouldRefuseASynchronousInvocationSayingWhereItRunsAndStartNoJob() throws Exception {
        try (KubernetesRuntime runtime = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            Attempt asynchronous = attempt("rt-sync", "s.txt", 60);
            Attempt synchronous = new Attempt(asynchronous.executionId(), asynchronous.envelope().awaitingReply(),
                    asynchronous.function(), asynchronous.workspace(), () -> {
                    }, () -> false);

            assertThatThrownBy(() -> runtime.carryOut(synchronous)).isInstanceOf(RefusedAttempt.class)
                    .hasMessageContaining("POST /run")
                    .hasMessageContaining("POST /job");
            assertThat(job(synchronous.executionId())).isNull();
        }
    }

    @Test
    void shouldStopTheJobOfAnExecutionRemovedWhileItRuns() throws Exception {
        try (KubernetesRuntime runtime = runtime(Duration.ofMinutes(5), Clock.systemUTC())) {
            Attempt attempt = attempt("rt-cancel", "i.txt", 60);
            Future<Outcome> outcome = carryOut(runtime, attempt);
            awaitPod(attempt.executionId());

            cancelled.set(true);

            assertThat(outcome.get().cancelled()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> job(attempt.executionId()) == null);
        }
    }

    private KubernetesRuntime runtime(Duration pendingLimit, Clock clock) {
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(TestCluster.config(NAMESPACE, TestCluster.plane().adminToken()))
                .build();
        return new KubernetesRuntime(client, TestCluster.config(NAMESPACE, Optional.of(65534L), pendingLimit),
                new FunctionLimits("1", "256Mi", Duration.ofMinutes(5)), fn -> Optional.of(STORE), clock);
    }

    private Attempt attempt(String function, String key, int timeoutSeconds) {
        return attempt(function, key, timeoutSeconds, "alice", "");
    }

    private Attempt attempt(String function, String key, int timeoutSeconds, String owner, String more) {
        return TestCluster.attempt(work, "name: " + function + "\nimage: localhost/wharf-busybox:1\n"
                + "script: cp $INPUT_FILE_PATH $TMP_OUTPUT_DIR/\ntimeout: " + timeoutSeconds + "\n"
                + "input: [{storage_provider: minio, path: rt-in}]\noutput: [{storage_provider: minio, path: rt-out}]\n"
                + more, owner, "rt-in", key, started::incrementAndGet, cancelled::get);
    }

    private Future<Outcome> carryOut(KubernetesRuntime runtime, Attempt attempt) {
        return attempts.submit(() -> runtime.carryOut(attempt));
    }

    private static Throwable failureOf(Future<Outcome> outcome) throws InterruptedException {
        try {
            outcome.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static Pod awaitPod(String executionId) {
        return TestCluster.awaitPod(admin, executionId);
    }

    private static Job job(String executionId) {
        return admin.batch().v1().jobs().withName(ExecutionJobs.jobName(executionId)).get();
    }

    private static void report(Pod pod, String phase, List<ContainerStatus> init, List<ContainerStatus> main) {
        TestCluster.report(admin, pod, phase, init, main);
    }

    /** Playing the node: the input fetched, the script running since now. */
    private static void scriptRunning(Pod pod) {
        report(pod, "Running", List.of(done("fetch", 0, null), container("run", TestCluster.running(Instant.now()))),
                List.of());
    }

    private static ContainerStatus done(String container, int exitCode, String message) {
        return TestCluster.ended(container, exitCode, message);
    }

    private static ContainerStatus status(String container, int exitCode, String reason) {
        return status(container, exitCode, reason, null);
    }

    private static ContainerStatus status(String container, int exitCode, String reason, String message) {
        return TestCluster.status(container, TestCluster.terminated(exitCode, reason, message));
    }

    private static ContainerStatus container(String container, ContainerState state) {
        return TestCluster.status(container, state);
    }

    private static String decoded(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
}
