package io.wharf.e2e;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.wharf.testing.Platform;

/**
 * A benchmark, not a test (Surefire does not pick up {@code *Bench}): run it with {@code bench/warm.sh} or
 * {@code bench/run-all}. Warm workers (docs/warm-workers.md) against a bare {@code podman run}, in one run: {@code POST
 * /job} until the execution's record is stored as succeeded (seen by a {@link SucceededWatch}), one at a time, for a warm and a cold function; and {@code bench.warm.jobs}
 * jobs at once on a warm function (two slots) against bare {@code podman run}s two at a time. It asserts nothing.
 */
class WarmBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = "wc -c < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/size\"";

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 12) * 2;
        int jobs = Integer.getInteger("bench.warm.jobs", 200);
        try (Platform platform = Platform.start(Files.createDirectories(dir.resolve("platform")),
                Map.of("wharf.dispatcher.executor", "container"))) {
            create(platform, "warm", true);
            create(platform, "cold", false);
            try (SucceededWatch warmDone = new SucceededWatch(platform.natsUrl(), "warm");
                    SucceededWatch coldDone = new SucceededWatch(platform.natsUrl(), "cold")) {
                warmDone.await(submit(platform, "warm", "warm-up"), Duration.ofMinutes(2));
                coldDone.await(submit(platform, "cold", "warm-up"), Duration.ofMinutes(2));
                measure(platform, rounds, jobs, warmDone, coldDone);
            }
        }
    }

    private void measure(Platform platform, int rounds, int jobs, SucceededWatch warmDone, SucceededWatch coldDone)
            throws Exception {
        List<Long> warm = oneAtATime(platform, "warm", rounds, warmDone);
        List<Long> cold = oneAtATime(platform, "cold", rounds / 2, coldDone);
        List<Long> floor = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            floor.add(barePodmanRun(i));
        }

        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            submit(platform, "warm", "burst " + i);
        }
        await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> warmDone.count() >= rounds + 1 + jobs);
        double warmPerSecond = jobs * 1e9 / (System.nanoTime() - start);
        int floorRuns = Math.max(20, jobs / 10);
        double floorPerSecond = bareRunsPerSecond(floorRuns);

        new BenchReport("Warm workers, container executor, 2 slots, %d round(s) one at a time, %d jobs at once"
                .formatted(rounds, jobs))
                .section(
                        "3b. warm workers (docs/warm-workers.md), container executor, 2 slots (floor: bare podman run)")
                .millis("POST /job -> succeeded p50, warm function", BenchReport.percentile(warm, 50),
                        BenchReport.percentile(floor, 50))
                .millis("POST /job -> succeeded p99, warm function", BenchReport.percentile(warm, 99),
                        BenchReport.percentile(floor, 99))
                .millis("POST /job -> succeeded p50, cold (same platform)", BenchReport.percentile(cold, 50),
                        BenchReport.percentile(floor, 50))
                .row(jobs + " jobs at once, warm: executions/s vs 2 bare runs at a time",
                        String.format("%.1f/s", warmPerSecond), String.format("%.1f/s", floorPerSecond),
                        BenchReport.ratio(warmPerSecond, floorPerSecond))
                .write("warm");
    }

    private static void create(Platform platform, String name, boolean warm) {
        var created = platform.post("/system/services", "application/json",
                """
                        {"name": "%s", "image": "%s", "memory": "32Mi", "cpu": "1", "script": %s, "labels": {"wharf.io/warm": "%s"}}
                        """
                        .formatted(name, BenchReport.IMAGE, JSON.valueToTree(SCRIPT), warm));
        if (created.statusCode() != 201) {
            throw new IllegalStateException(created.body());
        }
    }

    private static List<Long> oneAtATime(Platform platform, String function, int rounds, SucceededWatch done)
            throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            long end = done.await(submit(platform, function, "round " + i), Duration.ofMinutes(2));
            millis.add((end - start) / 1_000_000);
        }
        return millis;
    }

    private static String submit(Platform platform, String function, String body) throws Exception {
        var created = platform.post("/job/" + function, "text/plain", body);
        return JSON.readTree(created.body()).path("executionId").asText();
    }

    private long barePodmanRun(int i) throws Exception {
        Path sandbox = Files.createDirectories(dir.resolve("floor-" + i));
        Files.writeString(sandbox.resolve("input"), "round " + i);
        List<String> command = BenchReport.podmanRun(sandbox, "wc -c < input > size");
        long start = System.nanoTime();
        BenchReport.run(command);
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Bare runs two at a time, as the dispatcher's two slots would run cold containers. */
    private double bareRunsPerSecond(int runs) throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            long start = System.nanoTime();
            List<Future<Long>> done = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                int n = 1000 + i;
                done.add(two.submit(() -> barePodmanRun(n)));
            }
            for (Future<Long> f : done) {
                f.get();
            }
            return runs * 1e9 / (System.nanoTime() - start);
        } finally {
            two.shutdown();
        }
    }
}
