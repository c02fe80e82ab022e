package io.wharf.dispatcher.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.wharf.contracts.function.FdlReader;
import io.wharf.supervisor.RunResult;

/** Warm workers with the real Podman: many executions in one container, none seeing what another left. */
class WarmPoolTest {

    @TempDir
    Path dir;

    private final ContainerExecutor containers = new ContainerExecutor(ContainerExecutorTest.config());
    private WarmPool pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void shouldRunOneExecutionAfterAnotherInOneContainerLeavingNothingBehind() throws Exception {
        pool = pool(Duration.ofMinutes(5));
        ExecutionRequest first = Runs.prepare(containers, dir, """
                hostname > "$TMP_OUTPUT_DIR/host"
                echo left > /tmp/left; echo left > /dev/shm/left; echo left > /wharf/left
                mkdir /tmp/locked; echo left > /tmp/locked/inside; chmod 500 /tmp/locked
                sleep 600 &
                echo "first saw $FIRST_ONLY"
                """, Duration.ofSeconds(60), () -> null, Map.of("FIRST_ONLY", "a secret of the first"));
        ExecutionRequest second = Runs.prepare(containers, dir, """
                hostname > "$TMP_OUTPUT_DIR/host"
                echo "tmp: $(ls -A /tmp) shm: $(ls -A /dev/shm) sandbox: $(ls -A /wharf | tr '\\n' ' ')"
                echo "processes: $(ps -o comm | grep -c sleep)"
                echo "variable: ${FIRST_ONLY:-unset}"
                """, Duration.ofSeconds(60), () -> null);

        RunResult one = pool.run(first);
        RunResult two = pool.run(second);

        assertThat(one.succeeded()).as(Runs.log(first)).isTrue();
        assertThat(two.succeeded()).as(Runs.log(second)).isTrue();
        assertThat(Runs.log(first)).contains("first saw a secret of the first");
        assertThat(output(second, "host")).as("the same container").isEqualTo(output(first, "host"));
        assertThat(Runs.log(second)).contains("tmp:  shm:  sandbox: .wharf-started environment.sh input output "
                + "script.sh ", "processes: 0", "variable: unset");
        assertThat(first.workspace().sandbox().resolve("left")).as("what the first left, in its own workspace")
                .hasContent("left");
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void shouldNotLetAScriptForgeItsAnswerNorQueueARunForTheNext() throws Exception {
        pool = pool(Duration.ofMinutes(5));
        // a request naming a pipe the script could read, and an answer for a secret it cannot know
        ExecutionRequest forging = Runs.prepare(containers, dir, """
                mkfifo /tmp/stolen
                echo "../tmp/stolen forged-secret" > /proc/$PPID/fd/0 && echo "wrote a request"
                echo "0000 0 clean" > /proc/$PPID/fd/1 && echo "wrote an answer"
                exit 7
                """, Duration.ofSeconds(60), () -> null);
        ExecutionRequest next = Runs.prepare(containers, dir, "echo ran >> \"$TMP_OUTPUT_DIR/runs\"\nexit 3\n",
                Duration.ofSeconds(60), () -> null);

        RunResult forged = pool.run(forging);
        RunResult after = pool.run(next);

        assertThat(Runs.log(forging)).contains("wrote an answer", "wrote a request");
        assertThat(forged.exitCode()).as("the script's own exit code, not the forged answer").isEqualTo(7);
        assertThat(after.exitCode()).isEqualTo(3);
        assertThat(output(next, "runs")).as("the next script ran once, for its own request").isEqualTo("ran\n");
    }

    @Test
    void shouldStopTheRunOfACancelledExecutionAsAColdContainerIsStopped() throws Exception {
        pool = pool(Duration.ofMinutes(5));
        WarmExecutor executor = new WarmExecutor(containers, pool);
        ExecutionRequest request = Runs.prepare(containers, dir, "echo started\nsleep 600\n", Duration.ofSeconds(120),
                () -> null);
        CompletableFuture<RunResult> run = inBackground(() -> pool.run(request));
        awaitStarted(request);

        executor.cleanUp(request.executionId());

        assertThat(run.get(60, TimeUnit.SECONDS).succeeded()).isFalse();
        assertThat(pool.size()).isZero();
        assertThat(workerContainers()).isEmpty();
    }

    @Test
    void shouldStartANewWorkerWhenAnIdleOnesContainerEnded() throws Exception {
        pool = pool(Duration.ofMinutes(5));
        ExecutionRequest first = Runs.prepare(containers, dir, "hostname > \"$TMP_OUTPUT_DIR/host\"\n",
                Duration.ofSeconds(60), () -> null);
        ExecutionRequest second = Runs.prepare(containers, dir, "hostname > \"$TMP_OUTPUT_DIR/host\"\n",
                Duration.ofSeconds(60), () -> null);
        assertThat(pool.run(first).succeeded()).isTrue();

        containers.engineCommand(List.of("kill", workerContainers().get(0)));
        await().atMost(Duration.ofSeconds(30)).until(() -> workerContainers().isEmpty());

        assertThat(pool.run(second).succeeded()).as(Runs.log(second)).isTrue();
        assertThat(output(second, "host")).isNotEqualTo(output(first, "host"));
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void shouldRunInAContainerOfItsOwnWhenEveryWorkerIsBusy() throws Exception {
        pool = new WarmPool(containers, Files.createDirectories(dir.resolve("warm")), Duration.ofMinutes(5), 1);
        WarmExecutor executor = new WarmExecutor(containers, pool);
        ExecutionRequest busy = Runs.prepare(containers, dir, "hostname > \"$TMP_OUTPUT_DIR/host\"\n"
                + "while [ ! -e /wharf/input/go ]; do sleep 0.1; done\n", Duration.ofSeconds(120), () -> null);
        ExecutionRequest other = Runs.prepare(containers, dir, "hostname > \"$TMP_OUTPUT_DIR/host\"\n",
                Duration.ofSeconds(60), () -> null);
        CompletableFuture<RunResult> first = inBackground(() -> executor.run(warm(busy)));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> workerContainers().size() == 1
                        && pool.size() == 1 && !Files.exists(busy.workspace().inputDir()));

        RunResult cold = executor.run(warm(other));

        assertThat(cold.succeeded()).as(Runs.log(other)).isTrue();
        assertThat(pool.size()).isEqualTo(1);
        Files.writeString(workerSandbox().resolve("input/go"), "");
        assertThat(first.get(60, TimeUnit.SECONDS).succeeded()).isTrue();
        assertThat(output(other, "host")).as("a container of its own").isNotEqualTo(output(busy, "host"));
    }

    @Test
    void shouldKeepTheWorkerWhenAScriptSignalsItsWholeProcessGroup() throws Exception {
        pool = pool(Duration.ofMinutes(5));
        ExecutionRequest signalling = Runs.prepare(containers, dir, "hostname > \"$TMP_OUTPUT_DIR/host\"\n"
                + "kill -TERM 0\n", Duration.ofSeconds(60), () -> null);
        ExecutionRequest next = Runs.prepare(containers, dir, "hostname > \"$TMP_OUTPUT_DIR/host\"\n",
                Duration.ofSeconds(60), () -> null);

        pool.run(signalling);
        RunResult after = pool.run(next);

        assertThat(after.succeeded()).as(Runs.log(next)).isTrue();
        assertThat(output(next, "host")).as("the same worker").isEqualTo(output(signalling, "host"));
    }

    @Test
    void shouldRemoveAWorkerWhoseRunTimedOutAndStartAnotherForTheNextRun() throws Exception {
        pool = pool(Duration.ofMinutes(5));
        ExecutionRequest slow = Runs.prepare(containers, dir, "echo started\nsleep 600\n", Duration.ofSeconds(2),
                () -> null);
        ExecutionRequest next = Runs.prepare(containers, dir, "echo fine\n", Duration.ofSeconds(60), () -> null);

        RunResult timedOut = pool.run(slow);

        assertThat(timedOut.timedOut()).isTrue();
        assertThat(Runs.log(slow)).contains("started");
        assertThat(pool.size()).isZero();
        assertThat(workerContainers()).isEmpty();
        assertThat(pool.run(next).succeeded()).as(Runs.log(next)).isTrue();
    }

    @Test
    void shouldFailTheRunAsAPlatformFailureWhenTheWorkerDiesUnderIt() throws Exception {
        pool = pool(Duration.ofMinutes(5));
        ExecutionRequest victim = Runs.prepare(containers, dir, "echo started\nsleep 600\n", Duration.ofSeconds(120),
                () -> null);
        CompletableFuture<RunResult> run = inBackground(() -> pool.run(victim));
        awaitStarted(victim);

        containers.engineCommand(List.of("kill", workerContainers().get(0)));

        assertThatThrownBy(run::join).hasRootCauseInstanceOf(IOException.class)
                .hasMessageContaining("ended")
                .hasMessageContaining("while the script ran");
        assertThat(victim.workspace().startedFile()).as("its workspace back where it was").exists();
        assertThat(pool.size()).isZero();
    }

    @Test
    void shouldReportAnImageThatCannotStartAsTheEnginesFailure() throws Exception {
        pool = pool(Duration.ofMinutes(5));
        ExecutionRequest prepared = Runs.prepare(containers, dir, "echo never\n", Duration.ofSeconds(60), () -> null);
        ExecutionRequest missing = new ExecutionRequest(prepared.executionId(),
                FdlReader.readOne("{name: exec, image: localhost/wharf-no-such-image:1, script: x}"),
                prepared.envelope(), prepared.workspace(),
                prepared.timeout(), prepared.cpuMillis(), prepared.memoryBytes(), prepared.limits());

        RunResult result = pool.run(missing);

        assertThat(result.exitCode()).isNotZero();
        assertThat(missing.workspace().scriptStarted()).isFalse();
        assertThat(Runs.log(missing)).contains("wharf-no-such-image");
        assertThat(pool.size()).isZero();
    }

    @Test
    void shouldStopAWorkerThatStayedIdle() throws Exception {
        pool = pool(Duration.ofSeconds(1));
        ExecutionRequest request = Runs.prepare(containers, dir, "echo once\n", Duration.ofSeconds(60), () -> null);

        assertThat(pool.run(request).succeeded()).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> pool.size() == 0 && workerContainers().isEmpty());
    }

    @Test
    void shouldRemoveTheWorkersACrashedDispatcherLeftBehind() throws Exception {
        WarmPool crashed = pool(Duration.ofMinutes(5));
        ExecutionRequest request = Runs.prepare(containers, dir, "echo once\n", Duration.ofSeconds(60), () -> null);
        assertThat(crashed.run(request).succeeded()).isTrue();
        assertThat(workerContainers()).hasSize(1);

        pool = pool(Duration.ofMinutes(5));

        await().atMost(Duration.ofSeconds(30)).until(() -> workerContainers().isEmpty());
    }

    private interface Run {

        RunResult call() throws IOException, InterruptedException;
    }

    private static CompletableFuture<RunResult> inBackground(Run run) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run.call();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Until the script has printed "started". */
    private static void awaitStarted(ExecutionRequest request) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(request.workspace().logFile())
                        && Runs.log(request).contains("started"));
    }

    /** The request, for a function that opted in to warm workers. */
    private static ExecutionRequest warm(ExecutionRequest request) {
        return new ExecutionRequest(request.executionId(), FdlReader.readOne(
                "{name: exec, image: localhost/wharf-busybox:1, script: x, labels: {wharf.io/warm: 'true'}}"),
                request.envelope(), request.workspace(), request.timeout(), request.cpuMillis(), request.memoryBytes(),
                request.limits());
    }

    /** The sandbox folder of the pool's only worker. */
    private Path workerSandbox() throws IOException {
        try (var workers = Files.list(dir.resolve("warm"))) {
            return workers.toList().get(0).resolve("sandbox");
        }
    }

    private WarmPool pool(Duration idleTimeout) throws Exception {
        return new WarmPool(containers, Files.createDirectories(dir.resolve("warm")), idleTimeout, 2);
    }

    private List<String> workerContainers() throws Exception {
        return containers.engineCommand(List.of("ps", "--quiet", "--filter", "label=" + WarmPool.LABEL))
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
    }

    private static String output(ExecutionRequest request, String name) throws IOException {
        return Files.readString(request.workspace().outputDir().resolve(name));
    }
}
