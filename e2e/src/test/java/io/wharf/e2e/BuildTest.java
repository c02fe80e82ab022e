package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.Json;
import io.wharf.testing.Buckets;
import io.wharf.testing.Platform;

/**
 * Images built for users, end to end: the gateway takes the context, the build service builds it with real Podman
 * from the local busybox image, and a function on the built image processes an upload with a tool that exists only
 * in that image.
 */
class BuildTest {

    @TempDir
    static Path dir;

    private static Platform platform;

    @BeforeAll
    static void start() {
        platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "container"));
        platform.startBuilder(Map.of());
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aFunctionOnABuiltImageRunsAToolOnlyThatImageHas() throws Exception {
        byte[] context = tar(Map.of(
                "Containerfile", "FROM localhost/wharf-busybox:1\nCOPY shout /usr/local/bin/shout\n"
                        + "RUN chmod 0755 /usr/local/bin/shout && echo built > /etc/built-by-wharf\n",
                "shout", "#!/bin/sh\ntr a-z A-Z\n"));

        HttpResponse<String> asked = postTar("/system/builds", context);
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        JsonNode build = Json.json().readTree(asked.body());
        String id = build.path("id").asText();
        JsonNode done = awaitFinal(id);
        assertThat(done.path("state").asText()).as(platform.get("/system/builds/" + id + "/logs").body())
                .isEqualTo("Succeeded");
        assertThat(done.path("digest").asText()).startsWith("sha256:");
        assertThat(platform.get("/system/builds/" + id + "/logs").body()).contains("COPY shout");
        HttpResponse<String> again = postTar("/system/builds", context);
        assertThat(again.statusCode()).as("the same definition is not built again").isEqualTo(200);
        assertThat(Json.json().readTree(again.body()).path("id").asText()).isEqualTo(id);

        assertThat(platform.post("/system/services", "application/yaml", """
                name: shouter
                image: %s
                memory: 64Mi
                script: |
                  shout < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH")"
                  cat /etc/built-by-wharf >> "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH")"
                input:
                - storage_provider: minio
                  path: shouter/in
                output:
                - storage_provider: minio
                  path: shouter/out
                """.formatted(done.path("image").asText())).statusCode()).isEqualTo(201);
        Buckets.put(platform.minio(), "shouter", "in/hello.txt", "hello\n");

        await("the output").atMost(Duration.ofMinutes(2))
                .until(() -> Buckets.list(platform.minio(), "shouter", "out/").size() == 1);
        assertThat(Buckets.read(platform.minio(), "shouter", "out/hello.txt")).isEqualTo("HELLO\nbuilt\n");
    }

    @Test
    void aFunctionWithABuildSectionRunsOnceItsImageIsBuiltAndAFailedBuildIsVisible() throws Exception {
        assertThat(platform.post("/system/services", "application/yaml", """
                name: built-fn
                memory: 64Mi
                build:
                  base_image: localhost/wharf-busybox:1
                  commands:
                  - mkdir -p /usr/local/bin && printf '#!/bin/sh\\nrev\\n' > /usr/local/bin/backwards
                  - chmod 0755 /usr/local/bin/backwards
                script: |
                  backwards < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH")"
                input:
                - storage_provider: minio
                  path: built-fn/in
                output:
                - storage_provider: minio
                  path: built-fn/out
                """).statusCode()).isEqualTo(201);
        // uploaded while the image may still be building: the execution waits for it
        Buckets.put(platform.minio(), "built-fn", "in/word.txt", "abc\n");

        await("the output").atMost(Duration.ofMinutes(3))
                .until(() -> Buckets.list(platform.minio(), "built-fn", "out/").size() == 1);
        assertThat(Buckets.read(platform.minio(), "built-fn", "out/word.txt")).isEqualTo("cba\n");
        JsonNode status = Json.json().readTree(platform.get("/system/services/built-fn/status").body());
        assertThat(status.path("build").path("state").asText()).isEqualTo("Succeeded");

        assertThat(platform.post("/system/services", "application/yaml", """
                name: broken-build
                build:
                  base_image: localhost/wharf-busybox:1
                  commands: [echo cannot && exit 3]
                script: cat "$INPUT_FILE_PATH"
                """).statusCode()).isEqualTo(201);
        JsonNode failed = await("the failed build in the function's status").atMost(Duration.ofMinutes(2))
                .until(() -> Json.json()
                        .readTree(platform.get("/system/services/broken-build/status").body())
                        .path("build"), b -> b.path("state").asText().equals("Failed"));
        assertThat(platform.get("/system/builds/" + failed.path("id").asText() + "/logs").body()).contains("cannot");
    }

    @Test
    void aBuildThatFailsSaysWhyAndKeepsItsLog() throws Exception {
        HttpResponse<String> asked = platform.post("/system/builds", "application/json",
                "{\"dockerfile\": \"FROM localhost/wharf-busybox:1\\nRUN echo about to fail && false\\n\"}");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        String id = Json.json().readTree(asked.body()).path("id").asText();

        JsonNode done = awaitFinal(id);
        assertThat(done.path("state").asText()).isEqualTo("Failed");
        assertThat(done.path("error").asText()).contains("the build failed");
        assertThat(platform.get("/system/builds/" + id + "/logs").body()).contains("about to fail");

        // asked again, a failed build is tried again: its context and log are stored once more
        HttpResponse<String> again = platform.post("/system/builds", "application/json",
                "{\"dockerfile\": \"FROM localhost/wharf-busybox:1\\nRUN echo about to fail && false\\n\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        JsonNode second = awaitFinal(id);
        assertThat(second.path("attempt").asInt()).isEqualTo(2);
        assertThat(second.path("state").asText()).isEqualTo("Failed");
    }

    @Test
    void noFunctionOrBuildMayUseAnotherUsersImageByAnyName() {
        String others = "localhost/wharf-builds/u000000000000:0123456789abcdef";
        for (String image : List.of(others, others.substring("localhost/".length()), "3f5a9c0d",
                "sha256:" + "ab".repeat(32))) {
            HttpResponse<String> refused = platform.post("/system/services", "application/yaml", """
                    name: thief
                    image: %s
                    script: cat "$INPUT_FILE_PATH"
                    """.formatted(image));
            assertThat(refused.statusCode()).as(image + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("\"field\":\"image\"");
        }
        HttpResponse<String> fromOthers = platform.post("/system/builds", "application/json",
                "{\"dockerfile\": \"FROM " + others + "\\n\"}");
        assertThat(fromOthers.statusCode()).isEqualTo(400);
        assertThat(fromOthers.body()).contains("another user's build");
        HttpResponse<String> hostFeature = platform.post("/system/builds", "application/json",
                "{\"dockerfile\": \"FROM localhost/wharf-busybox:1\\nADD http://127.0.0.1:4222/ /x\\n\"}");
        assertThat(hostFeature.statusCode()).isEqualTo(400);
        assertThat(hostFeature.body()).contains("ADD of a URL");
    }

    @Test
    void badContextsAreRefusedBeforeAnythingIsBuilt() throws Exception {
        int builds = Json.json().readTree(platform.get("/system/builds").body()).size();
        HttpResponse<String> traversal = postTar("/system/builds", tar(Map.of("Containerfile", "FROM x\n",
                "../../etc/cron.d/evil", "* * * * * root true\n")));
        assertThat(traversal.statusCode()).isEqualTo(400);
        assertThat(traversal.body()).contains("\"field\":\"context\"", "leaves the context");

        HttpResponse<String> noDockerfile = postTar("/system/builds", tar(Map.of("readme.txt", "x")));
        assertThat(noDockerfile.statusCode()).isEqualTo(400);
        assertThat(noDockerfile.body()).contains("\"field\":\"dockerfile_path\"");

        HttpResponse<String> garbage = postTar("/system/builds", "not a tar archive at all".repeat(40)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("not a readable tar archive");

        HttpResponse<String> insecure = platform.post("/system/builds", "application/json",
                "{\"dockerfile\": \"FROM localhost/wharf-busybox:1\\n\", "
                        + "\"kaniko_flags\": [\"--cache\", \"--insecure\"]}");
        assertThat(insecure.statusCode()).isEqualTo(400);
        assertThat(insecure.body()).contains("\"field\":\"kaniko_flags[1]\"", "--insecure is not allowed");
        // in a function's build section, the same flag is named inside the section
        HttpResponse<String> insecureFunction = platform.post("/system/services", "application/yaml", """
                name: insecure-build
                build:
                  dockerfile: "FROM localhost/wharf-busybox:1\\n"
                  kaniko_flags: ["--insecure"]
                script: cat "$INPUT_FILE_PATH"
                """);
        assertThat(insecureFunction.statusCode()).isEqualTo(400);
        assertThat(insecureFunction.body()).contains("\"field\":\"build.kaniko_flags[0]\"");
        assertThat(platform.get("/system/services/insecure-build").statusCode()).isEqualTo(404);

        HttpResponse<String> oversized = postTar("/system/builds", new byte[5 * 1024 * 1024]);
        assertThat(oversized.statusCode()).isEqualTo(413);

        assertThat(Json.json().readTree(platform.get("/system/builds").body())).as("nothing was stored")
                .hasSize(builds);
    }

    @Test
    void aBuildNoFunctionRunsOnIsDeletedWithItsImage() throws Exception {
        HttpResponse<String> made = platform.post("/system/builds", "application/json",
                "{\"dockerfile\": \"FROM localhost/wharf-busybox:1\\nRUN echo deletable > /etc/deletable\\n\"}");
        assertThat(made.statusCode()).isEqualTo(201);
        String id = Json.json().readTree(made.body()).path("id").asText();
        JsonNode built = awaitFinal(id);
        assertThat(built.path("state").asText()).isEqualTo("Succeeded");
        String image = built.path("image").asText();
        assertThat(podman("image", "exists", image)).isZero();
        assertThat(platform.post("/system/services", "application/yaml", """
                name: on-deletable
                image: %s
                script: cat /etc/deletable > "$TMP_OUTPUT_DIR/out.txt"
                """.formatted(image)).statusCode()).isEqualTo(201);

        HttpResponse<String> inUse = platform.delete("/system/builds/" + id);
        assertThat(inUse.statusCode()).isEqualTo(409);
        assertThat(inUse.body()).contains("is the image of on-deletable");
        assertThat(platform.delete("/system/services/on-deletable").statusCode()).isEqualTo(204);

        assertThat(platform.delete("/system/builds/" + id).statusCode()).isEqualTo(204);
        assertThat(platform.get("/system/builds/" + id).statusCode()).isEqualTo(404);
        assertThat(platform.get("/system/builds/" + id + "/logs").statusCode()).isEqualTo(404);
        await("the image removed from the machine").atMost(Duration.ofMinutes(1))
                .until(() -> podman("image", "exists", image) != 0);
        // and no function may name it any more
        HttpResponse<String> gone = platform.post("/system/services", "application/yaml", """
                name: on-deleted
                image: %s
                script: cat "$INPUT_FILE_PATH"
                """.formatted(image));
        assertThat(gone.statusCode()).isEqualTo(400);
        assertThat(gone.body()).contains("\"field\":\"image\"", "names no build of yours");
    }

    private static int podman(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java.util.stream.Stream.concat(java.util.stream.Stream.of("podman"),
                java.util.stream.Stream.of(args)).toList())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(1, java.util.concurrent.TimeUnit.MINUTES) ? p.exitValue() : -1;
    }

    private static JsonNode awaitFinal(String id) {
        return await("build " + id).atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Json.json().readTree(platform.get("/system/builds/" + id).body()),
                        b -> b.path("state").asText().equals("Succeeded") || b.path("state")
                                .asText()
                                .equals("Failed"));
    }

    private static HttpResponse<String> postTar(String path, byte[] body) {
        return platform.send(HttpRequest.newBuilder(URI.create(platform.url() + path))
                .header("Authorization", Platform.basic())
                .header("Content-Type", "application/x-tar")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    private static byte[] tar(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, String> file : new java.util.TreeMap<>(files).entrySet()) {
                byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setMode(0100644);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
