package io.wharf.e2e;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.wharf.testing.Binaries;
import io.wharf.testing.Buckets;
import io.wharf.testing.Platform;

/**
 * A benchmark, not a test (Surefire does not pick up {@code *Bench}): run it with {@code bench/idle-latency.sh}. On an
 * idle platform with the container executor, one request at a time: an upload until its output is stored, and a
 * {@code POST /job} until its execution has succeeded, each beside its floor measured in the same run, a bare
 * {@code podman run} of the same image with the flags Wharf's container executor uses. It asserts nothing about time.
 */
class IdleLatencyBench {

    private static final String IMAGE = "localhost/wharf-busybox:1";
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
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                HttpResponse<String> created = platform.post("/job/idle", "text/plain", "job " + i);
                String id = JSON.readTree(created.body()).path("executionId").asText();
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> "SUCCEEDED".equals(platform.send(HttpRequest.newBuilder(URI.create(platform.url()
                                + "/system/logs/idle/" + id)).header("Authorization", Platform.basic()).build())
                                .headers()
                                .firstValue("Wharf-Execution-State")
                                .orElse("")));
                jobs.add((System.nanoTime() - start) / 1_000_000);
            }
            List<Long> floor = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                floor.add(barePodmanRun());
            }
            String report = """
                    Wharf idle latency, %s, %d round(s) each, container executor, %d core(s)
                                                       p50       p99
                      upload -> output stored     %6d ms  %6d ms
                      POST /job -> succeeded      %6d ms  %6d ms
                      floor: bare podman run      %6d ms  %6d ms
                      ratio upload / floor        %6.1fx
                      ratio /job / floor          %6.1fx
                    """.formatted(java.time.Instant.now(), rounds, Runtime.getRuntime().availableProcessors(),
                    percentile(uploads, 50), percentile(uploads, 99), percentile(jobs, 50), percentile(jobs, 99),
                    percentile(floor, 50), percentile(floor, 99),
                    (double) percentile(uploads, 50) / percentile(floor, 50),
                    (double) percentile(jobs, 50) / percentile(floor, 50));
            System.out.print(report);
            Path results = Binaries.repositoryRoot().resolve("bench/results");
            Files.createDirectories(results);
            Files.writeString(results.resolve("idle-latency.txt"), report);
        }
    }

    /** The floor: the same script in the same image with the container executor's flags, timed from the outside. */
    private long barePodmanRun() throws Exception {
        Path sandbox = Files.createTempDirectory(dir, "floor");
        Files.setPosixFilePermissions(sandbox, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(sandbox.resolve("input.txt"), "floor\n");
        List<String> command = List.of("podman", "run", "--rm", "--user", "65534:65534", "--network", "none",
                "--cpus", "1", "--memory", (32 << 20) + "b", "--memory-swap", (32 << 20) + "b", "--pids-limit", "512",
                "--cap-drop", "all", "--security-opt", "no-new-privileges", "--read-only",
                "--tmpfs", "/tmp:rw,nosuid,nodev,mode=1777,size=67108864", "--volume", sandbox + ":/wharf",
                "--workdir", "/wharf", "--entrypoint", "/bin/sh", IMAGE, "-c", "wc -c < input.txt > input.txt.size");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("floor.log").toFile())
                .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("bare podman run failed: " + Files.readString(dir.resolve("floor.log")));
        }
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

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
