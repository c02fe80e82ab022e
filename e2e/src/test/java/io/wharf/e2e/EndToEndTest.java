package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.wharf.contracts.Hashes;
import io.wharf.contracts.Json;
import io.wharf.testing.Buckets;
import io.wharf.testing.Platform;

/**
 * The foundation's promise: files uploaded to MinIO are each processed by one isolated execution, and what the script
 * writes lands in the output bucket. Through the real webhook, with real containers (and with local processes).
 */
class EndToEndTest {

    private static final int FILES = 20;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} executor")
    @ValueSource(strings = {"container", "process"})
    void shouldProcessEveryUploadedFileOnceAndDeliverItsOutput(String executor) throws Exception {
        try (Platform platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", executor))) {
            assertThat(platform.post("/system/services", "application/yaml", """
                    name: stats
                    image: localhost/wharf-busybox:1
                    cpu: '0.5'
                    memory: 64Mi
                    timeout: 60
                    script: |
                      name="$(basename "$INPUT_FILE_PATH")"
                      echo "stats of $STORAGE_OBJECT_KEY as uid $(id -u)"
                      lines="$(wc -l < "$INPUT_FILE_PATH" | tr -d ' ')"
                      sum="$(sha256sum < "$INPUT_FILE_PATH" | cut -d' ' -f1)"
                      echo "$lines $sum" > "$TMP_OUTPUT_DIR/$name.stats"
                    input:
                    - storage_provider: minio
                      path: stats/in
                    output:
                    - storage_provider: minio
                      path: stats/out
                    """).statusCode()).isEqualTo(201);
            MinioClient minio = platform.minio();
            List<String> contents = new ArrayList<>();
            for (int i = 0; i < FILES; i++) {
                String content = "line\n".repeat(i + 1) + "file " + i + "\n";
                contents.add(content);
                byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
                minio.putObject(PutObjectArgs.builder()
                        .bucket("stats")
                        .object("in/batch/file " + i + ".txt")
                        .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                        .build());
            }

            await("20 outputs").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> Buckets.list(minio, "stats", "out/").size() >= FILES);

            assertThat(Buckets.list(minio, "stats", "out/")).hasSize(FILES);
            for (int i = 0; i < FILES; i++) {
                String content = contents.get(i);
                assertThat(Buckets.read(minio, "stats", "out/file " + i + ".txt.stats").strip())
                        .isEqualTo((i + 2) + " " + Hashes.sha256Hex(content.getBytes(StandardCharsets.UTF_8)));
            }
            JsonNode jobs = await("20 executions succeeded").atMost(Duration.ofSeconds(30))
                    .until(() -> Json.json().readTree(platform.get("/system/logs/stats").body()).path("jobs"),
                            j -> j.size() == FILES && StreamSupport.stream(j.spliterator(), false)
                                    .allMatch(job -> job.path("status").asText().equals("Succeeded")));
            String execution = jobs.fieldNames().next();
            String log = platform.get("/system/logs/stats/" + execution).body();
            assertThat(log).contains("stats of in/batch/file ", "succeeded; 1 output(s) delivered")
                    .doesNotContain("as uid 0\n");
            if (executor.equals("container") || "root".equals(ProcessHandle.current().info().user().orElse(""))) {
                assertThat(log).as("scripts never run as root").contains("as uid 65534");
            }
        }
    }
}
