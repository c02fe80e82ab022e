package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.ObjectKeys;
import io.wharf.testing.Buckets;
import io.wharf.testing.OneproviderServer;
import io.wharf.testing.Platform;

/**
 * Onedata, end to end: the real gateway, dispatcher and onetrigger on a real nats-server, MinIO and Podman, and the
 * Oneprovider test server (no Oneprovider runs here; {@link OneproviderServer} is written from the protocol notes).
 * One platform serves every case; each case has functions and folders of its own.
 */
class OnedataTest {

    private static final String SPACE = "lab-space";
    private static final String TOKEN = "owner-token-1";
    /** Quick looks, a 1.5 s settling time; the test server listens on loopback. */
    private static final Map<String, String> ONETRIGGER = Map.of("wharf.storage.allow-private-endpoints", "true",
            "wharf.onetrigger.poll-interval", "300MS", "wharf.onetrigger.stable-for", "1500MS",
            "wharf.onetrigger.max-backoff", "1S");

    @TempDir
    static Path dir;

    private static OneproviderServer oneprovider;
    private static Platform platform;

    @BeforeAll
    static void start() {
        oneprovider = OneproviderServer.start();
        oneprovider.addSpace(SPACE, TOKEN);
        // the test server listens on loopback, which a function's provider may not use unless the operator allows it
        platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "container",
                "wharf.storage.allow-private-endpoints", "true"),
                Map.of("wharf.storage.allow-private-endpoints", "true"));
        platform.startOnetrigger(ONETRIGGER);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (oneprovider != null) {
            oneprovider.close();
        }
    }

    @Test
    void aFileWrittenIntoTheSpaceIsProcessedOnceAndItsOutputLandsInTheSpace() throws Exception {
        create(upper("od-upper", onedata("upper-in"), onedata("upper-out")));
        assertThat(oneprovider.list(SPACE, "")).as("the gateway made both folders")
                .contains("upper-in/",
                        "upper-out/");

        oneprovider.write(SPACE, "upper-in/notes one.txt", bytes("hello onedata\n"));

        assertThat(awaitFile("upper-out/notes one.txt")).isEqualTo("HELLO ONEDATA\n");
        awaitSucceeded("od-upper", 1);
        assertThat(announcements("upper-in/notes one.txt")).isEqualTo(1);
        JsonNode status = Json.json().readTree(platform.get("/system/services/od-upper/status").body());
        assertThat(status.path("onedata").path(0).path("state").asText()).isEqualTo("watching");
        assertThat(status.path("onedata").path(0).path("announced").asLong()).isEqualTo(1);
    }

    @Test
    void minioInputWithOnedataOutput() throws Exception {
        create(upper("mo-upper", """
                - storage_provider: minio
                  path: mo-upper/in
                """, onedata("mo-out")));
        Buckets.put(platform.minio(), "mo-upper", "in/from minio.txt", "to onedata\n");

        assertThat(awaitFile("mo-out/from minio.txt")).isEqualTo("TO ONEDATA\n");
    }

    @Test
    void onedataInputWithMinioOutput() throws Exception {
        create(upper("om-upper", onedata("om-in"), """
                - storage_provider: minio
                  path: om-upper/out
                """));
        oneprovider.write(SPACE, "om-in/from onedata.txt", bytes("to minio\n"));

        await("the output in MinIO").atMost(Duration.ofMinutes(2))
                .until(() -> Buckets.list(platform.minio(), "om-upper", "out/").size() == 1);
        assertThat(Buckets.read(platform.minio(), "om-upper", "out/from onedata.txt")).isEqualTo("TO MINIO\n");
    }

    @Test
    void aChainThroughAOnedataFolderProducesTheFinalResult() throws Exception {
        create(upper("chain-first", onedata("chain-in"), onedata("chain-mid")));
        create("""
                name: chain-second
                image: localhost/wharf-busybox:1
                memory: 64Mi
                script: |
                  rev < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH").rev"
                input:
                %s
                output:
                %s
                storage_providers:
                %s
                """.formatted(indent(onedata("chain-mid")), indent(onedata("chain-out")), indent(provider())));
        oneprovider.write(SPACE, "chain-in/word.txt", bytes("abc\n"));

        assertThat(awaitFile("chain-out/word.txt.rev")).isEqualTo("CBA\n");
        awaitSucceeded("chain-first", 1);
        awaitSucceeded("chain-second", 1);
    }

    @Test
    void aRestartOfOnetriggerBetweenTwoUploadsAnnouncesEachFileOnce() throws Exception {
        create(upper("od-restart", onedata("restart-in"), onedata("restart-out")));
        oneprovider.write(SPACE, "restart-in/first.txt", bytes("first\n"));
        assertThat(awaitFile("restart-out/first.txt")).isEqualTo("FIRST\n");

        platform.stopOnetrigger();
        oneprovider.write(SPACE, "restart-in/second.txt", bytes("second\n"));
        platform.startOnetrigger(ONETRIGGER);

        assertThat(awaitFile("restart-out/second.txt")).isEqualTo("SECOND\n");
        awaitSucceeded("od-restart", 2);
        assertThat(announcements("restart-in/first.txt")).as("first, across the restart").isEqualTo(1);
        assertThat(announcements("restart-in/second.txt")).as("second, written while it was down").isEqualTo(1);
    }

    @Test
    void aFileStillGrowingIsAnnouncedOnlyOnceItIsComplete() throws Exception {
        create("""
                name: od-size
                image: localhost/wharf-busybox:1
                memory: 64Mi
                script: |
                  wc -c < "$INPUT_FILE_PATH" | tr -d ' ' > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH").size"
                input:
                %s
                output:
                %s
                storage_providers:
                %s
                """.formatted(indent(onedata("size-in")), indent(onedata("size-out")), indent(provider())));
        int chunks = 12;
        for (int i = 0; i < chunks; i++) {
            oneprovider.append(SPACE, "size-in/upload.bin", new byte[1000]);
            // the pace of a slow upload (a chunk every 400 ms, never still for the 1.5 s a file must settle), not a
            // wait for the platform
            await().pollDelay(Duration.ofMillis(400)).until(() -> true);
            assertThat(announcements("size-in/upload.bin")).as("announced while growing").isZero();
        }

        assertThat(awaitFile("size-out/upload.bin.size")).isEqualTo(chunks * 1000 + "\n");
        awaitSucceeded("od-size", 1);
        assertThat(announcements("size-in/upload.bin")).isEqualTo(1);
    }

    @Test
    void aRefusedTokenIsReportedAndTheWatchRecoversWhenTheTokenIsFixed() throws Exception {
        String token = "rotating-token-1";
        oneprovider.allow(token, SPACE);
        String definition = upper("od-token", onedata("token-in"), onedata("token-out"))
                .replace("token: " + TOKEN, "token: " + token);
        create(definition);

        oneprovider.revoke(token);
        JsonNode failing = await("the status says the token was refused").atMost(Duration.ofSeconds(30))
                .until(() -> Json.json()
                        .readTree(platform.get("/system/services/od-token/status").body())
                        .path("onedata")
                        .path(0), s -> s.path("state").asText().equals("failing"));
        assertThat(failing.path("error").asText()).contains("refused the token");
        assertThat(Files.readString(platform.onetrigger().logFile()))
                .containsPattern("function=od-token .*token-in.*refused the token")
                .doesNotContain(token);
        oneprovider.write(SPACE, "token-in/waiting.txt", bytes("waited\n"));

        String fixed = "rotating-token-2";
        oneprovider.allow(fixed, SPACE);
        HttpRequest update = HttpRequest.newBuilder(URI.create(platform.url() + "/system/services/od-token"))
                .header("Authorization", Platform.basic())
                .header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(definition.replace("token: " + token, "token: " + fixed)))
                .build();
        assertThat(platform.send(update).statusCode()).isEqualTo(204);

        assertThat(awaitFile("token-out/waiting.txt")).isEqualTo("WAITED\n");
        assertThat(Json.json()
                .readTree(platform.get("/system/services/od-token/status").body())
                .path("onedata")
                .path(0)
                .path("state")
                .asText()).isEqualTo("watching");
    }

    @Test
    void aFunctionWhoseTokenTheProviderRefusesIsNotCreated() {
        var response = platform.post("/system/services", "application/yaml",
                upper("od-refused", onedata("refused-in"), onedata("refused-out"))
                        .replace("token: " + TOKEN, "token: not-a-token"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("storage_providers.onedata.lab.token", "refused");
        assertThat(platform.get("/system/services/od-refused").statusCode()).isEqualTo(404);
        assertThat(oneprovider.list(SPACE, "")).doesNotContain("refused-in/");
    }

    // ------------------------------------------------------------------------------------------------------------

    private static String upper(String name, String input, String output) {
        return """
                name: %s
                image: localhost/wharf-busybox:1
                memory: 64Mi
                script: |
                  tr a-z A-Z < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH")"
                input:
                %s
                output:
                %s
                storage_providers:
                %s
                """.formatted(name, indent(input), indent(output), indent(provider()));
    }

    private static String onedata(String folder) {
        return """
                - storage_provider: onedata.lab
                  path: %s
                """.formatted(folder);
    }

    private static String provider() {
        return """
                onedata:
                  lab:
                    oneprovider_host: %s
                    token: %s
                    space: %s
                """.formatted(oneprovider.url(), TOKEN, SPACE);
    }

    /** The YAML indented by two spaces, to sit under a key of the definition. */
    private static String indent(String yaml) {
        return yaml.strip().lines().map(line -> "  " + line).collect(java.util.stream.Collectors.joining("\n"));
    }

    private static void create(String definition) {
        var response = platform.post("/system/services", "application/yaml", definition);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static String awaitFile(String path) {
        return await(path + " in the space").atMost(Duration.ofMinutes(2))
                .until(() -> oneprovider.read(SPACE, path), java.util.Optional::isPresent)
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .orElseThrow();
    }

    private static void awaitSucceeded(String function, int executions) {
        await(executions + " execution(s) of " + function + " succeeded").atMost(Duration.ofSeconds(60))
                .until(() -> Json.json().readTree(platform.get("/system/logs/" + function).body()).path("jobs"),
                        jobs -> jobs.size() == executions && allSucceeded(jobs));
    }

    private static boolean allSucceeded(JsonNode jobs) {
        for (JsonNode job : jobs) {
            if (!job.path("status").asText().equals("Succeeded")) {
                return false;
            }
        }
        return true;
    }

    /** How often onetrigger's log says it announced the file of that path (across its restarts: the log is kept). */
    private static long announcements(String path) throws Exception {
        String log = Files.readString(platform.onetrigger().logFile());
        return Pattern.compile("announced " + Pattern.quote(SPACE + "/" + ObjectKeys.printable(path)) + " \\(")
                .matcher(log)
                .results()
                .count();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
