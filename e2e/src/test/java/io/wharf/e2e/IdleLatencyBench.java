package io.wharf.e2e;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.wharf.testing.Buckets;
import io.wharf.testing.Platform;

/**
 * A benchmark, not a test (Surefire does not pick up {@code *Bench}): run it with {@code bench/idle-latency.sh}. On an
 * idle platform with the container executor, one request at a time: an upload until its output is stored, and a
 * {@code POST /job} until its execution has succeeded, each beside its floor measured in the same run, a bare
 * {@code podman run} of the same image with the flags Wharf's container executor uses. It asserts nothing about time.
 */
class IdleLatencyBench {

    private static final String IMAGE = BenchReport.IMAGE;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 12);
        Path platformDir = Files.createDirectories(dir.resolve("platform"));
        try (Platform platform = Platform.start(platformDir, Map.of("wharf.dispatcher.executor", "container"))) {
            platform.post("/system/services", "application/yaml", """
                    name: idle
                    image: %s
                    memory: 32Mi
                    cpu: '1'
                    script: |
                      wc -c < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH").size"
                    input: [{storage_provider: minio, path: idle/in}]
                    output: [{storage_provider: minio, path: idle/out}]
                    """.formatted(IMAGE));
            MinioClient minio = platform.minio();
            upload(minio, "in/warm-up.txt");
            awaitObject(minio, "out/warm-up.txt.size");

            List<Long> uploads = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                upload(minio, "in/f" + i + ".txt");
                awaitObject(minio, "out/f" + i + ".txt.size");
                uploads.add((System.nanoTime() - start) / 1_000_000);
            }
            List<Long> jobs = new ArrayList<>();
            try (SucceededWatch succeeded = new SucceededWatch(platform.natsUrl(), "idle")) {
                for (int i = 0; i < rounds; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> created = platform.post("/job/idle", "text/plain", "job " + i);
                    String id = JSON.readTree(created.body()).path("executionId").asText();
                    jobs.add((succeeded.await(id, Duration.ofMinutes(2)) - start) / 1_000_000);
                }
            }
            List<Long> floor = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                floor.add(barePodmanRun());
            }
            new BenchReport("Wharf idle latency, %s, %d round(s) each, container executor, %d core(s)".formatted(
                    java.time.Instant.now(), rounds, Runtime.getRuntime().availableProcessors()))
                    .section("3. idle end to end, one at a time, container executor (floor: bare podman run)")
                    .millis("upload -> output stored, p50", BenchReport.percentile(uploads, 50),
                            BenchReport.percentile(floor, 50))
                    .millis("upload -> output stored, p99", BenchReport.percentile(uploads, 99),
                            BenchReport.percentile(floor, 99))
                    .millis("POST /job -> succeeded, p50", BenchReport.percentile(jobs, 50),
                            BenchReport.percentile(floor, 50))
                    .millis("POST /job -> succeeded, p99", BenchReport.percentile(jobs, 99),
                            BenchReport.percentile(floor, 99))
                    .write("idle-latency");
        }
    }

    /** The floor: the same script in the same image with the container executor's flags, timed from the outside. */
    private long barePodmanRun() throws Exception {
        Path sandbox = Files.createTempDirectory(dir, "floor");
        Files.writeString(sandbox.resolve("input.txt"), "floor\n");
        List<String> command = BenchReport.podmanRun(sandbox, "wc -c < input.txt > input.txt.size");
        long start = System.nanoTime();
        BenchReport.run(command);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void upload(MinioClient minio, String key) throws Exception {
        byte[] bytes = (key + "\n").getBytes(StandardCharsets.UTF_8);
        minio.putObject(PutObjectArgs.builder()
                .bucket("idle")
                .object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
    }

    private static void awaitObject(MinioClient minio, String key) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> Buckets.list(minio, "idle", key).contains(key));
    }
}
