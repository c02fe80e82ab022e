package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.minio.MinioClient;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.wharf.contracts.Json;
import io.wharf.testing.Buckets;
import io.wharf.testing.Platform;

/** What Wharf promises beyond OSCAR: no event lost, none run twice, whatever is delivered twice or crashes. */
class DeliveryGuaranteesTest {

    private static Platform platform;

    @BeforeAll
    static void start(@TempDir Path dir) {
        platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "container",
                "wharf.dispatcher.ack-wait", "3S", "wharf.dispatcher.concurrency", "2",
                "wharf.dispatcher.retry-backoff", "500MS", "wharf.dispatcher.max-deliver", "3"));
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    @Test
    void shouldRunADuplicateDeliveryOfTheSameMinioEventOnce() throws Exception {
        MinioClient minio = platform.minio();
        // the bucket becomes the user's with a first function; the object is stored while no function watches it,
        // so the only notifications are the three deliveries below
        deploy("dup", "true");
        assertThat(platform.delete("/system/services/dup").statusCode()).isEqualTo(204);
        Buckets.put(minio, "dup", "in/twice.txt", "a\nb\n");
        deploy("dup", "wc -l < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/$WHARF_EXECUTION_ID.count\"");
        String notification = notification("dup", "in/twice.txt", "17CF1A2B3F8E0C21");

        for (int delivery = 0; delivery < 3; delivery++) {
            assertThat(platform.send(HttpRequest.newBuilder(URI.create(platform.url() + "/events/minio"))
                    .header("Authorization", "Bearer " + Platform.WEBHOOK_TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(notification))
                    .build()).statusCode()).isEqualTo(200);
        }

        JsonNode jobs = awaitJobs("dup", 1);
        assertThat(jobs.size()).isEqualTo(1);
        assertThat(Buckets.list(minio, "dup", "out/")).hasSize(1);
    }

    @Test
    void shouldStopItsContainersAndHandThemBackWhenTheDispatcherStopsGracefully() throws Exception {
        deploy("graceful", "sleep 30\necho done > \"$TMP_OUTPUT_DIR/done.txt\"");
        assertThat(platform.post("/job/graceful", "text/plain", "x").statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).until(() -> statuses("graceful").contains("Running"));

        platform.stopDispatcher();

        assertThat(containers("graceful")).as("no container outlives the dispatcher that started it").isEmpty();
        platform.startDispatcher();
        JsonNode jobs = awaitJobs("graceful", 1);
        assertThat(jobs.elements().next().path("attempt").asInt()).isEqualTo(2);
        assertThat(Buckets.list(platform.minio(), "graceful", "out/")).containsExactly("out/done.txt");
    }

    /** The containers, running or not, of a function's executions. */
    private static String containers(String function) throws Exception {
        Process ps = new ProcessBuilder("podman", "ps", "--all", "--quiet", "--filter",
                "label=wharf.io/function=" + function).redirectErrorStream(true).start();
        return new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void shouldLoseNothingAndRunNothingTwiceWhenTheDispatcherIsKilledMidRun() throws Exception {
        deploy("crash",
                "sleep 2\nwc -c < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/$(basename \"$INPUT_FILE_PATH\").size\"");
        MinioClient minio = platform.minio();
        for (int i = 0; i < 6; i++) {
            Buckets.put(minio, "crash", "in/file-" + i + ".txt", "x".repeat(i + 1));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> statuses("crash").contains("Running"));

        platform.killDispatcher();
        platform.startDispatcher();

        JsonNode jobs = awaitJobs("crash", 6);
        assertThat(jobs.size()).isEqualTo(6);
        for (int i = 0; i < 6; i++) {
            assertThat(Buckets.read(minio, "crash", "out/file-" + i + ".txt.size").strip())
                    .isEqualTo(Integer.toString(i + 1));
        }
        assertThat(StreamSupport.stream(jobs.spliterator(), false)
                .mapToInt(j -> j.path("attempt").asInt())
                .max()
                .orElse(0)).as("an execution interrupted by the crash was claimed again").isGreaterThan(1);
    }

    @Test
    void shouldProcessUploadsMadeWhileTheGatewayWasDown() throws Exception {
        deploy("offline", "wc -c < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/$(basename \"$INPUT_FILE_PATH\").size\"");
        MinioClient minio = platform.minio();

        platform.stopGateway();
        for (int i = 0; i < 3; i++) {
            Buckets.put(minio, "offline", "in/while-down-" + i + ".txt", "y".repeat(i + 1));
        }
        platform.startGateway();

        JsonNode jobs = awaitJobs("offline", 3);
        assertThat(jobs.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(Buckets.read(minio, "offline", "out/while-down-" + i + ".txt.size").strip())
                    .isEqualTo(Integer.toString(i + 1));
        }
    }

    @Test
    void shouldRunAJsonBodyPublishedToNatsOnceAndDeliverItsOutput() throws Exception {
        deploy("sensor", "cp \"$INPUT_FILE_PATH\" \"$TMP_OUTPUT_DIR/reading.json\"");

        try (Connection nats = Nats.connect(platform.natsUrl())) {
            nats.publish("wharf.invoke.sensor", "{\"celsius\": 21.5}".getBytes(StandardCharsets.UTF_8));
            nats.flush(Duration.ofSeconds(5));
        }

        awaitJobs("sensor", 1);
        assertThat(Buckets.read(platform.minio(), "sensor", "out/reading.json")).isEqualTo("{\"celsius\": 21.5}");
        assertThat(Json.json().readTree(platform.get("/system/logs/sensor").body()).path("jobs").size()).isEqualTo(1);
    }

    @Test
    void shouldKillAContainerOverItsTimeoutAndRecordAFailingOnesExitCode() throws Exception {
        deploy("too-slow", "echo started\nsleep 120\necho never", 2);
        deploy("exits-7", "echo 'bad input' >&2\nexit 7", null);

        try (Connection nats = Nats.connect(platform.natsUrl())) {
            nats.publish("wharf.invoke.too-slow", "{}".getBytes(StandardCharsets.UTF_8));
            nats.publish("wharf.invoke.exits-7", "{}".getBytes(StandardCharsets.UTF_8));
            nats.flush(Duration.ofSeconds(5));
        }

        JsonNode slow = awaitFinished("too-slow");
        assertThat(slow.path("status").asText()).isEqualTo("Failed");
        assertThat(slow.path("reason").asText()).isEqualTo("timed out after 2s and was killed");
        String slowId = Json.json()
                .readTree(platform.get("/system/logs/too-slow").body())
                .path("jobs")
                .fieldNames()
                .next();
        assertThat(platform.get("/system/logs/too-slow/" + slowId).body()).contains("started").doesNotContain("never");
        JsonNode failing = awaitFinished("exits-7");
        assertThat(failing.path("status").asText()).isEqualTo("Failed");
        assertThat(failing.path("exit_code").asInt()).isEqualTo(7);
        Process ps = new ProcessBuilder("podman", "ps", "--all", "--quiet", "--filter", "name=wharf-" + slowId)
                .redirectErrorStream(true)
                .start();
        assertThat(new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                .as("the killed container is removed")
                .isEmpty();
    }

    @Test
    void shouldRetryAnEngineThatCannotStartTheScriptAndNeverCallItTheScriptsExitCode() throws Exception {
        String yaml = "name: no-image\nimage: localhost/wharf-no-such-image:1\nscript: echo never\n";
        assertThat(platform.post("/system/services", "application/yaml", yaml).statusCode()).isEqualTo(201);
        deploy("exits-127", "no-such-command-anywhere");

        assertThat(platform.post("/job/no-image", "text/plain", "x").statusCode()).isEqualTo(201);
        assertThat(platform.post("/job/exits-127", "text/plain", "x").statusCode()).isEqualTo(201);

        // podman's 125 (no such image) is the platform's failure: retried, then dead-lettered with that reason
        JsonNode engine = awaitFinished("no-image");
        assertThat(engine.path("status").asText()).isEqualTo("Failed");
        assertThat(engine.path("reason").asText()).contains("could not start the script (exit 125")
                .contains("gave up after 3 failures");
        assertThat(engine.has("exit_code")).isFalse();
        assertThat(engine.path("attempt").asInt()).isEqualTo(3);
        // the shell's 127 (a command the script names is missing) is the script's own: final at once
        JsonNode script = awaitFinished("exits-127");
        assertThat(script.path("status").asText()).isEqualTo("Failed");
        assertThat(script.path("exit_code").asInt()).isEqualTo(127);
        assertThat(script.path("attempt").asInt()).isEqualTo(1);
    }

    /** The only execution of a function, once it has finished. */
    private static JsonNode awaitFinished(String function) {
        return await().atMost(Duration.ofMinutes(1)).until(() -> {
            JsonNode jobs = Json.json().readTree(platform.get("/system/logs/" + function).body()).path("jobs");
            return jobs.size() == 1 ? jobs.elements().next() : null;
        }, job -> job != null && job.has("finish_time"));
    }

    private static void deploy(String name, String script) {
        deploy(name, script, null);
    }

    private static void deploy(String name, String script, Integer timeout) {
        StringBuilder yaml = new StringBuilder("name: " + name + "\nimage: localhost/wharf-busybox:1\nmemory: 32Mi\n"
                + (timeout == null ? "" : "timeout: " + timeout + "\n") + "script: |\n");
        script.lines().forEach(l -> yaml.append("  ").append(l).append('\n'));
        yaml.append("input:\n- {storage_provider: minio, path: ")
                .append(name)
                .append("/in}\n")
                .append("output:\n- {storage_provider: minio, path: ")
                .append(name)
                .append("/out}\n");
        assertThat(platform.post("/system/services", "application/yaml", yaml.toString()).statusCode())
                .isEqualTo(201);
    }

    /** Waits until the function has {@code count} executions, all finished and succeeded. */
    private static JsonNode awaitJobs(String function, int count) {
        return await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> Json.json().readTree(platform.get("/system/logs/" + function).body()).path("jobs"),
                        jobs -> jobs.size() >= count && StreamSupport.stream(jobs.spliterator(), false)
                                .allMatch(j -> j.path("status").asText().equals("Succeeded")));
    }

    private static List<String> statuses(String function) throws Exception {
        JsonNode jobs = Json.json().readTree(platform.get("/system/logs/" + function).body()).path("jobs");
        return StreamSupport.stream(jobs.spliterator(), false).map(j -> j.path("status").asText()).toList();
    }

    private static String notification(String bucket, String key, String sequencer) {
        return """
                {"EventName":"s3:ObjectCreated:Put","Key":"%1$s/%2$s","Records":[{"eventVersion":"2.0",
                 "eventSource":"minio:s3","eventTime":"2026-11-23T07:12:00.123Z","eventName":"s3:ObjectCreated:Put",
                 "s3":{"bucket":{"name":"%1$s"},"object":{"key":"%3$s","size":4,"sequencer":"%4$s"}}}]}"""
                .formatted(bucket, key, URLEncoder.encode(key, StandardCharsets.UTF_8), sequencer);
    }
}
