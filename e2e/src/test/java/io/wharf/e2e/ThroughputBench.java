package io.wharf.e2e;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import io.wharf.testing.Binaries;
import io.wharf.testing.Buckets;
import io.wharf.testing.Platform;

/**
 * A benchmark, not a test (Surefire does not pick up {@code *Bench}): run it with {@code bench/throughput.sh}. It
 * uploads {@code bench.files} files at once and prints executions per second, upload-to-output latency percentiles,
 * the services' start-up time and resident memory. It asserts nothing about time.
 */
class ThroughputBench {

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        int files = Integer.getInteger("bench.files", 100);
        String executor = System.getProperty("bench.executor", "container");
        String concurrency = System.getProperty("bench.concurrency", "2");
        try (Platform platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", executor,
                "wharf.dispatcher.concurrency", concurrency))) {
            platform.post("/system/services", "application/yaml", """
                    name: bench
                    image: localhost/wharf-busybox:1
                    memory: 32Mi
                    script: |
                      wc -c < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH").size"
                    input: [{storage_provider: minio, path: bench/in}]
                    output: [{storage_provider: minio, path: bench/out}]
                    """);
            MinioClient minio = platform.minio();
            Map<String, Instant> uploaded = new ConcurrentHashMap<>();
            Instant start = Instant.now();
            for (int i = 0; i < files; i++) {
                String key = "in/f" + i + ".txt";
                byte[] bytes = ("file " + i + "\n").getBytes(StandardCharsets.UTF_8);
                uploaded.put(key, Instant.now());
                minio.putObject(PutObjectArgs.builder()
                        .bucket("bench")
                        .object(key)
                        .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                        .build());
            }
            Instant uploadsDone = Instant.now();
            await().atMost(Duration.ofMinutes(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> Buckets.list(minio, "bench", "out/").size() >= files);
            Instant end = Instant.now();

            // upload to output landed, per file: the output's last-modified time against the upload's
            List<Long> latencies = new ArrayList<>();
            for (Result<Item> r : minio.listObjects(ListObjectsArgs.builder()
                    .bucket("bench")
                    .prefix("out/")
                    .recursive(true)
                    .build())) {
                Item item = r.get();
                String key = "in/" + item.objectName().substring("out/".length()).replace(".size", "");
                latencies.add(Duration.between(uploaded.get(key), item.lastModified().toInstant()).toMillis());
            }
            String report = """
                    Wharf throughput benchmark, %s
                      executor            %s, %s slot(s), %d core(s)
                      files               %d (uploaded in %d ms)
                      all executions done %d ms after the first upload
                      throughput          %.1f executions/s
                      upload to output    p50 %d ms  p90 %d ms  p99 %d ms  max %d ms
                      gateway             started in %d ms, RSS %d MiB
                      dispatcher          started in %d ms, RSS %d MiB
                    """.formatted(Instant.now(), executor, concurrency, Runtime.getRuntime().availableProcessors(),
                    files, Duration.between(start, uploadsDone).toMillis(), Duration.between(start, end).toMillis(),
                    files * 1000.0 / Duration.between(start, end).toMillis(),
                    BenchReport.percentile(latencies, 50), BenchReport.percentile(latencies, 90),
                    BenchReport.percentile(latencies, 99),
                    BenchReport.percentile(latencies, 100),
                    platform.gateway().startup().toMillis(), platform.gateway().residentKib() / 1024,
                    platform.dispatcher().startup().toMillis(), platform.dispatcher().residentKib() / 1024);
            System.out.print(report);
            Path results = Binaries.repositoryRoot().resolve("bench/results");
            Files.createDirectories(results);
            Files.writeString(results.resolve("throughput-" + executor + ".txt"), report);
        }
    }
}
