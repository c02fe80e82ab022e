package io.wharf.e2e;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import io.wharf.contracts.Names;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionRecordCodec;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.testing.Buckets;
import io.wharf.testing.FreePorts;
import io.wharf.testing.Platform;
import io.wharf.testing.ServerProcess;

/**
 * A benchmark, not a test (Surefire does not pick up {@code *Bench}): run it with {@code bench/run-all}.
 * <p>
 * Burst: {@code bench.burst.files} files uploaded at once, each ~100 ms of work ({@code usleep 100000}) in the
 * container executor, with 2 and then 4 slots: the makespan (first upload to last output stored), and duplicates and
 * losses counted from the outputs (each named after its execution) and the execution records of each file; beside a
 * tight loop of the same number of {@code podman run}s of the same work with the container executor's flags, as many
 * at once.
 * <p>
 * Footprint: start-up time and resident memory of the gateway and the dispatcher, idle and at most during the burst,
 * beside a JVM that only serves HTTP (the JDK's own server), started the same way. It asserts nothing about time.
 */
class BurstBench {

    private static final int FILES = Integer.getInteger("bench.burst.files", 200);
    private static final int[] SLOTS = {2, 4};
    private static final String WORK = "usleep 100000";

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        BenchReport report = new BenchReport("Wharf burst and footprint, %s, %d files, %d core(s)".formatted(
                Instant.now(), FILES, Runtime.getRuntime().availableProcessors()));
        Path platformDir = Files.createDirectories(dir.resolve("platform"));
        try (Platform platform = Platform.start(platformDir, Map.of("wharf.dispatcher.executor", "container",
                "wharf.dispatcher.concurrency", "2"));
                Connection nats = Nats.connect(platform.natsUrl())) {
            Duration gatewayStart = platform.gateway().startup();
            Duration dispatcherStart = platform.dispatcher().startup();
            long gatewayIdle = platform.gateway().residentKib();
            long dispatcherIdle = platform.dispatcher().residentKib();
            for (int slots : SLOTS) {
                platform.post("/system/services", "application/yaml",
                        """
                                name: burst%1$d
                                image: %2$s
                                memory: 32Mi
                                cpu: '1'
                                script: |
                                  %3$s
                                  wc -c < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH").$WHARF_EXECUTION_ID"
                                input: [{storage_provider: minio, path: burst%1$d/in}]
                                output: [{storage_provider: minio, path: burst%1$d/out}]
                                """
                                .formatted(slots, BenchReport.IMAGE, WORK));
            }
            report.section("4. burst: " + FILES + " files x ~100 ms of work, container executor (floor: as many "
                    + "podman runs, as many at once, same flags)");
            AtomicLong gatewayMax = new AtomicLong();
            AtomicLong dispatcherMax = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                gatewayMax.accumulateAndGet(platform.gateway().residentKib(), Math::max);
                dispatcherMax.accumulateAndGet(platform.dispatcher().residentKib(), Math::max);
            }, 0, 200, TimeUnit.MILLISECONDS);
            try {
                for (int slots : SLOTS) {
                    if (slots != 2) {
                        platform.stopDispatcher();
                        platform.startDispatcher(Map.of("wharf.dispatcher.concurrency", Integer.toString(slots)));
                    }
                    Burst wharf = wharf(platform.minio(), nats, "burst" + slots);
                    Burst floor = podmanLoop(slots);
                    report.row(slots + " slots: makespan", BenchReport.ms(wharf.makespanMillis),
                            BenchReport.ms(floor.makespanMillis),
                            BenchReport.ratio(wharf.makespanMillis, floor.makespanMillis));
                    report.row(slots + " slots: duplicated / lost files", wharf.duplicated + " / " + wharf.lost,
                            floor.duplicated + " / " + floor.lost, "");
                }
            } finally {
                sampler.shutdownNow();
            }

            ServerProcess bare = bareJvm();
            Duration bareStart = bare.startup();
            long bareIdle = bare.residentKib();
            bare.stop();
            report.section("5. footprint (floor: a JVM serving HTTP with the JDK's own server, started alike)");
            report.millis("gateway: start to port open", gatewayStart.toMillis(), bareStart.toMillis());
            report.millis("dispatcher: start to port open", dispatcherStart.toMillis(), bareStart.toMillis());
            report.row("gateway: RSS idle", mib(gatewayIdle), mib(bareIdle), BenchReport.ratio(gatewayIdle, bareIdle));
            report.row("dispatcher: RSS idle", mib(dispatcherIdle), mib(bareIdle),
                    BenchReport.ratio(dispatcherIdle, bareIdle));
            report.row("gateway: RSS, most during the burst", mib(gatewayMax.get()), mib(bareIdle),
                    BenchReport.ratio(gatewayMax.get(), bareIdle));
            report.row("dispatcher: RSS, most during the burst", mib(dispatcherMax.get()), mib(bareIdle),
                    BenchReport.ratio(dispatcherMax.get(), bareIdle));
        }
        report.write("burst");
    }

    /** Uploads {@link #FILES} files to the function's input; counts its outputs and executions per file. */
    private static Burst wharf(MinioClient minio, Connection nats, String function) throws Exception {
        Instant start = Instant.now();
        for (int i = 0; i < FILES; i++) {
            Buckets.put(minio, function, "in/f" + i + ".txt", "file " + i + "\n");
        }
        try {
            await().atMost(Duration.ofMinutes(15))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> Buckets.list(minio, function, "out/").size() >= FILES);
        } catch (ConditionTimeoutException e) {
            // counted below as lost
        }
        Instant last = start;
        Map<String, Integer> outputs = new HashMap<>();
        for (Result<Item> r : minio.listObjects(ListObjectsArgs.builder()
                .bucket(function)
                .prefix("out/")
                .recursive(true)
                .build())) {
            Item item = r.get();
            String name = item.objectName().substring("out/".length());
            outputs.merge(name.substring(0, name.indexOf(".txt")), 1, Integer::sum);
            Instant modified = item.lastModified().toInstant();
            last = modified.isAfter(last) ? modified : last;
        }
        Map<String, Integer> succeeded = new HashMap<>();
        KeyValue records = nats.keyValue(Names.EXECUTIONS_BUCKET);
        for (String key : records.keys(function + ".*")) {
            KeyValueEntry entry = records.get(key);
            ExecutionRecord record = entry == null || entry.getValue() == null
                    ? null
                    : ExecutionRecordCodec.decode(entry.getValue());
            if (record != null && record.state() == ExecutionState.SUCCEEDED) {
                String file = record.inputKey().substring("in/".length(), record.inputKey().indexOf(".txt"));
                succeeded.merge(file, 1, Integer::sum);
            }
        }
        int duplicated = 0;
        int lost = 0;
        for (int i = 0; i < FILES; i++) {
            int out = outputs.getOrDefault("f" + i, 0);
            int runs = succeeded.getOrDefault("f" + i, 0);
            duplicated += out > 1 || runs > 1 ? 1 : 0;
            lost += out == 0 || runs == 0 ? 1 : 0;
        }
        return new Burst(Duration.between(start, last).toMillis(), duplicated, lost);
    }

    /** The floor: {@link #FILES} {@code podman run}s of the same work, {@code slots} at once. */
    private Burst podmanLoop(int slots) throws Exception {
        List<Path> sandboxes = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            Path sandbox = Files.createDirectories(dir.resolve("floor-" + slots + "/f" + i));
            Files.writeString(sandbox.resolve("input.txt"), "file " + i + "\n");
            sandboxes.add(sandbox);
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(slots);
        long start = System.nanoTime();
        try {
            List<Future<Object>> workers = threads.invokeAll(java.util.Collections.nCopies(slots, () -> {
                for (int i = next.getAndIncrement(); i < FILES; i = next.getAndIncrement()) {
                    BenchReport.run(BenchReport.podmanRun(sandboxes.get(i), WORK + "; wc -c < input.txt > output"));
                }
                return null;
            }));
            for (Future<Object> worker : workers) {
                worker.get();
            }
        } finally {
            threads.shutdownNow();
        }
        long makespan = (System.nanoTime() - start) / 1_000_000;
        int lost = (int) sandboxes.stream().filter(s -> !Files.exists(s.resolve("output"))).count();
        return new Burst(makespan, 0, lost);
    }

    private ServerProcess bareJvm() throws Exception {
        int port = FreePorts.next();
        String classes = Path.of(BenchReport.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ServerProcess("bare-jvm", List.of(java, "-cp", classes, BenchReport.BareServer.class.getName(),
                Integer.toString(port)), Map.of(), port, dir.resolve("bare-jvm.log")).start(Duration.ofSeconds(30));
    }

    private static String mib(long kib) {
        return (kib / 1024) + " MiB";
    }

    private record Burst(long makespanMillis, int duplicated, int lost) {
    }
}
