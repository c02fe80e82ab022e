package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wharf.testing.Platform;

/**
 * {@code POST /run}, synchronous invocation, on the real platform: OSCAR's response for each shape of output, a
 * failure the caller can read, and executions nobody waits for any more withdrawn rather than left running.
 */
class RunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough that a withdrawal seen well within it was not the gateway giving up on its own. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void shouldAnswerWithTheScriptsResultAndWithdrawWhatNobodyWaitsFor() throws Exception {
        try (Platform platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "process"),
                Map.of("wharf.gateway.run.max-wait", MAX_WAIT.toSeconds() + "S"))) {
            create(platform, "run-one", "tr a-z A-Z < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/upper.txt\"");
            create(platform, "run-many", "echo one > \"$TMP_OUTPUT_DIR/one.txt\"; mkdir \"$TMP_OUTPUT_DIR/sub\"; "
                    + "echo two > \"$TMP_OUTPUT_DIR/sub/two.txt\"");
            create(platform, "run-none", "echo \"just talking about $(cat \"$INPUT_FILE_PATH\")\"");
            create(platform, "run-fail", "echo 'cannot read this input'; exit 3");
            create(platform, "run-slow", "echo started; sleep 60");

            // one file: its content, base64-encoded (as OSCAR's supervisor answers)
            HttpResponse<String> one = run(platform, "run-one", "make me loud");
            assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
            assertThat(decoded(one)).isEqualTo("MAKE ME LOUD");
            String executionId = one.headers().firstValue("Wharf-Execution-Id").orElseThrow();
            assertThat(platform.get("/system/logs/run-one/" + executionId).statusCode())
                    .as("recorded like any other execution")
                    .isEqualTo(200);

            // several files: a zip of them
            HttpResponse<String> many = run(platform, "run-many", "x");
            assertThat(many.statusCode()).as(many.body()).isEqualTo(200);
            Map<String, String> entries = unzip(Base64.getDecoder().decode(many.body().strip()));
            assertThat(entries).containsEntry("one.txt", "one\n").containsEntry("sub/two.txt", "two\n");

            // no file: what the script printed
            HttpResponse<String> none = run(platform, "run-none", "the weather");
            assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
            assertThat(decoded(none)).contains("just talking about the weather");

            // a failed script: 422 saying why, with the end of its log
            HttpResponse<String> failed = run(platform, "run-fail", "x");
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(422);
            assertThat(failed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(failed.body()).path("detail").asText()).contains("exited with 3")
                    .contains("cannot read this input");

            // longer than the most /run waits: 504, and the execution is withdrawn, not left running
            HttpResponse<String> slow = run(platform, "run-slow", "x");
            assertThat(slow.statusCode()).as(slow.body()).isEqualTo(504);
            await().atMost(Duration.ofSeconds(20)).until(() -> jobs(platform, "run-slow").isEmpty());

            // a caller that goes away while its execution runs: withdrawn as well, long before /run would give up
            long asked = System.nanoTime();
            try (Socket socket = new Socket("127.0.0.1", URI.create(platform.url()).getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /run/run-slow HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + Platform.basic()
                        + "\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                await().atMost(Duration.ofSeconds(8))
                        .until(() -> jobs(platform, "run-slow").toString()
                                .contains("Running"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> jobs(platform, "run-slow").isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(MAX_WAIT);

            // who may not see a function may not run it
            HttpResponse<String> stranger = platform.send(HttpRequest.newBuilder(URI.create(platform.url()
                    + "/run/run-one")).POST(HttpRequest.BodyPublishers.ofString("x")).build());
            assertThat(stranger.statusCode()).isEqualTo(401);
            assertThat(run(platform, "no-such-function", "x").statusCode()).isEqualTo(404);
        }
    }

    private static void create(Platform platform, String name, String script) {
        String definition = """
                {"name": "%s", "image": "localhost/wharf-busybox:1", "memory": "64Mi", "cpu": "0.5", "script": %s}"""
                .formatted(name, JSON.valueToTree(script).toString());
        assertThat(platform.post("/system/services", "application/json", definition).statusCode()).isEqualTo(201);
    }

    private static HttpResponse<String> run(Platform platform, String function, String input) {
        return platform.post("/run/" + function, "text/plain", input);
    }

    private static String decoded(HttpResponse<String> response) {
        return new String(Base64.getDecoder().decode(response.body().strip()), StandardCharsets.UTF_8).strip();
    }

    private static JsonNode jobs(Platform platform, String function) throws Exception {
        return JSON.readTree(platform.get("/system/logs/" + function).body()).path("jobs");
    }

    private static Map<String, String> unzip(byte[] zip) throws Exception {
        Map<String, String> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }
}
