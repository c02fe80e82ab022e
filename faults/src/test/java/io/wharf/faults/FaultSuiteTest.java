package io.wharf.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.minio.MinioClient;
import io.nats.client.Connection;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.NatsConnections;
import io.wharf.testing.Buckets;
import io.wharf.testing.Platform;

/**
 * Nothing lost, nothing twice, under every fault. Each test uploads a burst of {@value #DEFAULT_UPLOADS} files (or
 * {@code -Dwharf.faults.uploads}) into a two-function chain ({@code a} copies each file to the folder {@code b}
 * watches, {@code b} writes its size to the output folder), injects one fault while the burst is processed, and
 * counts, from the execution records and from the output bucket, that every upload led to exactly one execution of
 * each function and one output. It prints {@code fault <name>: N uploaded, N outputs, 0 duplicates, 0 lost}.
 *
 * <p>
 * Executions run as local processes (the process executor): the faults are of the platform, not of the sandbox, and
 * the suite must stay within the test budget on two cores. Fault 4 runs its burst in containers and kills one of them
 * (SIGKILL), as an evicted pod or an OOM-killed container ends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {

    private static final int DEFAULT_UPLOADS = 300;
    private static final int N = Integer.getInteger("wharf.faults.uploads", DEFAULT_UPLOADS);
    private static final Duration SETTLE = Duration.ofMinutes(8);
    /** Uploads arrive over about 30 s: a burst the chain works through while the fault strikes. */
    private static final int UPLOADS_PER_SECOND = 10;

    private static Platform platform;
    private static Connection nats;

    @BeforeAll
    static void start(@TempDir Path dir) {
        platform = Platform.start(dir, Map.of(
                "wharf.dispatcher.executor", "process",
                "wharf.dispatcher.concurrency", "4",
                "wharf.dispatcher.ack-wait", "5S",
                "wharf.dispatcher.retry-backoff", "500MS",
                "wharf.dispatcher.outage-retry", "1S"),
                // an event lost anyway (MinIO stopped between storing an object and queueing its notification) is
                // found by the sweep
                Map.of("wharf.gateway.sweep-interval", "10S", "wharf.gateway.sweep-grace", "20S"));
        nats = NatsConnections.connect(platform.natsUrl(), "fault-suite", Optional.empty(), Optional.empty());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nats != null) {
            nats.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void dispatcherKilled() {
        burst("dispatcher-kill", "", () -> {
            platform.killDispatcher();
            platform.startDispatcher();
        });
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void natsKilled() {
        burst("nats-kill", "", platform::killAndRestartNats);
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void gatewayStopped() {
        burst("gateway-stop", "", () -> {
            platform.stopGateway();
            holdFor(Duration.ofSeconds(20));
            platform.startGateway();
        });
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void executionKilled() {
        // containers for this fault: it kills one as an evicted pod's or an OOM-killed container's would end
        platform.stopDispatcher();
        platform.startDispatcher(Map.of("wharf.dispatcher.executor", "container"));
        try {
            // an execution to be killed must be caught running: it takes a moment
            String[] killed = new String[1];
            burst("execution-kill", "sleep 0.3\n", () -> killed[0] = killOneRunningContainer());
            assertThat(records("execution-kill-a")).filteredOn(r -> r.id().equals(killed[0]))
                    .singleElement()
                    .satisfies(r -> assertThat(r.attempt()).as("attempts of the killed execution").isEqualTo(2));
        } finally {
            platform.stopDispatcher();
            platform.startDispatcher();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void minioRestarted() {
        burst("minio-restart", "", () -> {
            platform.stopMinio();
            platform.startMinio();
        });
    }

    @Test
    @org.junit.jupiter.api.Order(6)
    void functionUpdated() {
        burst("function-update", "", () -> {
            assertThat(platform.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(platform.url() + "/system/services/function-update-a"))
                    .header("Authorization", Platform.basic())
                    .header("Content-Type", "application/yaml")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                            first("function-update", "# version 2\n")))
                    .build()).statusCode()).isEqualTo(204);
        });
    }

    @Test
    @org.junit.jupiter.api.Order(7)
    void minioUnreachable() {
        burst("minio-outage", "", () -> {
            platform.stopMinio();
            holdFor(Duration.ofMinutes(2));
            platform.startMinio();
        });
    }

    /** Uploads N files, injects the fault once the chain is busy, and counts. */
    private void burst(String name, String scriptPrefix, Runnable fault) {
        deploy(name, scriptPrefix);
        MinioClient minio = platform.minio();
        CompletableFuture<Void> uploads = CompletableFuture.runAsync(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < N; i++) {
                // paced, so that the fault strikes while files are still arriving
                holdUntil(start + i * 1_000_000_000L / UPLOADS_PER_SECOND);
                putUntilStored(name, "in/file-" + i + ".txt", "x".repeat(i % 97 + 1));
            }
        });
        await().atMost(SETTLE).until(() -> succeeded(name + "-b") >= Math.min(20, N / 10));
        fault.run();
        uploads.orTimeout(SETTLE.toMinutes(), TimeUnit.MINUTES).join();
        await().atMost(SETTLE)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> succeeded(name + "-b") >= N && outputs(minio, name) >= N);

        List<ExecutionRecord> a = records(name + "-a");
        List<ExecutionRecord> b = records(name + "-b");
        int outputs = outputs(minio, name);
        long duplicates = duplicates(a) + duplicates(b);
        long lost = N - outputs;
        System.out.printf("fault %s: %d uploaded, %d outputs, %d duplicates, %d lost%n", name, N, outputs, duplicates,
                lost);
        assertThat(duplicates).as("duplicate executions").isZero();
        assertThat(lost).as("lost uploads").isZero();
        assertThat(outputs).isEqualTo(N);
        assertThat(a).hasSize(N).allSatisfy(r -> assertThat(r.state()).isEqualTo(ExecutionState.SUCCEEDED));
        assertThat(b).hasSize(N).allSatisfy(r -> assertThat(r.state()).isEqualTo(ExecutionState.SUCCEEDED));
    }

    private void deploy(String name, String scriptPrefix) {
        String second = """
                name: %s-b
                image: localhost/wharf-busybox:1
                script: |
                  wc -c < "$INPUT_FILE_PATH" | tr -d ' ' > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH").size"
                input:
                - {storage_provider: minio, path: %s/mid}
                output:
                - {storage_provider: minio, path: %s/out}
                """.formatted(name, name, name);
        assertThat(platform.post("/system/services", "application/yaml", first(name, scriptPrefix)).statusCode())
                .isEqualTo(201);
        assertThat(platform.post("/system/services", "application/yaml", second).statusCode()).isEqualTo(201);
    }

    private static String first(String name, String scriptPrefix) {
        StringBuilder script = new StringBuilder();
        (scriptPrefix + "cp \"$INPUT_FILE_PATH\" \"$TMP_OUTPUT_DIR/\"\n").lines()
                .forEach(l -> script.append("  ").append(l).append('\n'));
        return """
                name: %s-a
                image: localhost/wharf-busybox:1
                script: |
                %sinput:
                - {storage_provider: minio, path: %s/in}
                output:
                - {storage_provider: minio, path: %s/mid}
                """.formatted(name, script, name, name);
    }

    /** The client's own retry: an upload refused while MinIO is down is the uploader's to repeat. */
    private static void putUntilStored(String bucket, String key, String content) {
        await().atMost(SETTLE)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    Buckets.put(platform.minio(), bucket, key, content);
                    return true;
                });
    }

    /** @return the id of the execution whose container was killed */
    private String killOneRunningContainer() {
        // a container found running may end before the kill reaches it: then another is tried
        String[] killed = await().atMost(Duration.ofMinutes(2)).until(() -> {
            Optional<String[]> running = podman("ps", "--filter", "label=wharf.io/function=execution-kill-a",
                    "--filter", "status=running", "--format", "{{.ID}} {{index .Labels \"wharf.io/execution\"}}")
                    .output()
                    .lines()
                    .map(l -> l.split(" "))
                    .filter(l -> l.length == 2)
                    .findFirst();
            // podman refuses to kill a container that has just exited (and names it in its refusal)
            return running.isPresent() && podman("kill", "--signal", "KILL", running.get()[0]).exitCode() == 0
                    ? running.get()
                    : null;
        }, id -> id != null);
        System.out.printf("fault execution-kill: killed container %s of execution %s%n", killed[0], killed[1]);
        return killed[1];
    }

    /** Runs podman as the dispatcher does (./wharf test sets CONTAINERS_CONF). */
    private static Podman podman(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Podman(process.waitFor(), out);
    }

    private record Podman(int exitCode, String output) {
    }

    private long succeeded(String function) {
        return records(function).stream().filter(r -> r.state() == ExecutionState.SUCCEEDED).count();
    }

    private static List<ExecutionRecord> records(String function) {
        return new ExecutionStore(nats).list(function);
    }

    /** Executions beyond the first of the same input object. */
    private static long duplicates(List<ExecutionRecord> records) {
        Map<String, Long> perInput = records.stream()
                .collect(Collectors.groupingBy(ExecutionRecord::inputKey, Collectors.counting()));
        return perInput.values().stream().mapToLong(n -> n - 1).sum();
    }

    private static int outputs(MinioClient minio, String bucket) {
        try {
            return Buckets.list(minio, bucket, "out/").size();
        } catch (Exception unreachable) {
            return 0;
        }
    }

    /** Keeps a fault going for as long as the scenario says: the outage's length, not a wait for something. */
    private static void holdFor(Duration duration) {
        holdUntil(System.nanoTime() + duration.toNanos());
    }

    /** Paces the scenario (an outage's length, the uploads' rate) by the clock: not a wait for something to happen. */
    private static void holdUntil(long nanoTime) {
        while (System.nanoTime() < nanoTime) {
            LockSupport.parkNanos(nanoTime - System.nanoTime());
        }
    }
}
