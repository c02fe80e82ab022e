package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.wharf.testing.Buckets;
import io.wharf.testing.Platform;

/**
 * Warm workers on the real platform: a function that opts in serves uploads and {@code /run} from one running
 * container, each execution with its own record, log and output; a bad opt-in value is refused naming the field.
 */
class WarmWorkersTest {

    @TempDir
    Path dir;

    @Test
    void shouldServeUploadsAndRunFromOneContainer() throws Exception {
        try (Platform platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "container"))) {
            var created = platform.post("/system/services", "application/yaml",
                    """
                            name: warm
                            image: localhost/wharf-busybox:1
                            memory: 64Mi
                            labels: {wharf.io/warm: "true"}
                            script: |
                              seen=clean; [ -e /tmp/left ] && seen=dirty
                              echo "$(hostname)|$(cat "$INPUT_FILE_PATH")|$seen" > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH")"
                              echo left-behind > /tmp/left
                            input: [{storage_provider: minio, path: warm/in}]
                            output: [{storage_provider: minio, path: warm/out}]
                            """);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            MinioClient minio = platform.minio();

            Set<String> hosts = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                String key = "in/f" + i + ".txt";
                byte[] bytes = ("file " + i).getBytes(StandardCharsets.UTF_8);
                minio.putObject(PutObjectArgs.builder()
                        .bucket("warm")
                        .object(key)
                        .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                        .build());
                String out = "out/f" + i + ".txt";
                await().atMost(Duration.ofMinutes(1)).until(() -> Buckets.list(minio, "warm", out).contains(out));
                String[] result = read(minio, out).strip().split("\\|");
                assertThat(result[1]).isEqualTo("file " + i);
                assertThat(result[2]).as("what the run before left in /tmp").isEqualTo("clean");
                hosts.add(result[0]);
            }
            assertThat(hosts).as("one container served every upload, one after another").hasSize(1);

            var run = platform.post("/run/warm", "text/plain", "by run");
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            String answer = new String(Base64.getDecoder().decode(run.body().strip()), StandardCharsets.UTF_8);
            assertThat(answer.strip()).isEqualTo(hosts.iterator().next() + "|by run|clean");

            var jobs = platform.get("/system/logs/warm");
            assertThat(jobs.body()).as("each execution recorded on its own").contains("Succeeded");
            assertThat(com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .build()
                    .readTree(jobs.body())
                    .path("jobs")
                    .size()).isEqualTo(4);

            var refused = platform.post("/system/services", "application/yaml", """
                    name: lukewarm
                    image: localhost/wharf-busybox:1
                    labels: {wharf.io/warm: "sometimes"}
                    script: echo
                    """);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("labels.wharf.io/warm")
                    .contains("must be \\\"true\\\" or \\\"false\\\"");
        }
    }

    private static String read(MinioClient minio, String key) throws Exception {
        try (var in = minio.getObject(GetObjectArgs.builder().bucket("warm").object(key).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
