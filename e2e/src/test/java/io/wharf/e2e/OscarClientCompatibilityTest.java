package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.wharf.contracts.Json;
import io.wharf.testing.Buckets;
import io.wharf.testing.Platform;

/**
 * oscar-cli v1.12.2, request for request: what {@code cluster info}, {@code apply}, {@code service list},
 * {@code service put-file}, {@code service logs list|get}, {@code service job} and {@code delete} send (no content
 * type, Go's JSON of OSCAR's {@code types.Service}, basic auth, the service token for jobs, base64 job bodies, a
 * path-style S3 upload with the credentials from {@code /system/config}) and what they need back. The Go module proxy
 * reachable here refuses {@code github.com/grycap/oscar-cli}, so the binary itself cannot be installed by the build.
 */
class OscarClientCompatibilityTest {

    @TempDir
    Path dir;

    @Test
    void shouldServeEveryCallOfOscarCliAsItMakesThem() throws Exception {
        try (Platform platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "process"))) {
            // cluster info
            JsonNode info = json(platform.send(get(platform, "/system/info")));
            assertThat(info.path("version").asText()).isNotBlank();

            // apply: read the config, find the service missing, POST Go's JSON of types.Service with no content type
            JsonNode config = json(platform.send(get(platform, "/system/config")));
            JsonNode minioProvider = config.path("minio_provider");
            assertThat(platform.send(get(platform, "/system/services/cli-fn")).statusCode()).isEqualTo(404);
            HttpResponse<String> created = platform.send(withoutContentType(platform, "POST", "/system/services",
                    serviceJson(platform)));
            assertThat(created.statusCode()).isEqualTo(201);

            // service list
            JsonNode services = json(platform.send(get(platform, "/system/services")));
            assertThat(services.findValuesAsText("name")).contains("cli-fn");
            JsonNode service = json(platform.send(get(platform, "/system/services/cli-fn")));
            assertThat(service.path("input").get(0).path("storage_provider").asText()).isEqualTo("minio.default");

            // service put-file: a path-style S3 upload with /system/config's provider
            MinioClient s3 = MinioClient.builder()
                    .endpoint(minioProvider.path("endpoint").asText())
                    .credentials(minioProvider.path("access_key").asText(), minioProvider.path("secret_key").asText())
                    .region(minioProvider.path("region").asText())
                    .build();
            byte[] file = "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8);
            s3.putObject(PutObjectArgs.builder()
                    .bucket("cli-fn")
                    .object("in/three.txt")
                    .stream(new ByteArrayInputStream(file), file.length, -1)
                    .build());

            // service logs list (with the page query it always sends), then logs get
            JsonNode jobs = await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> json(platform.send(get(platform, "/system/logs/cli-fn?page="))).path("jobs"),
                            j -> j.size() == 1 && j.elements().next().path("status").asText().equals("Succeeded"));
            String job = jobs.fieldNames().next();
            JsonNode jobInfo = jobs.get(job);
            Instant.parse(jobInfo.path("creation_time").asText());
            Instant.parse(jobInfo.path("start_time").asText());
            Instant.parse(jobInfo.path("finish_time").asText());
            assertThat(platform.send(get(platform, "/system/logs/cli-fn/" + job)).body()).contains("counted");
            assertThat(Buckets.read(s3, "cli-fn", "out/three.txt.count").strip()).isEqualTo("3");

            // service job: the service's token as bearer, the file base64-encoded, no content type
            String token = service.path("token").asText();
            HttpResponse<String> invoked = platform.send(HttpRequest.newBuilder(URI.create(platform.url()
                    + "/job/cli-fn"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(Base64.getEncoder().encodeToString(file)))
                    .build());
            assertThat(invoked.statusCode()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Buckets.list(s3, "cli-fn", "out/input.count")
                            .size() == 1);
            assertThat(Buckets.read(s3, "cli-fn", "out/input.count").strip()).isEqualTo("3");

            // delete: DELETE the service; it is gone
            assertThat(
                    platform.send(withoutContentType(platform, "DELETE", "/system/services/cli-fn", "")).statusCode())
                    .isEqualTo(204);
            assertThat(platform.send(get(platform, "/system/services/cli-fn")).statusCode()).isEqualTo(404);
        }
    }

    /** What Go's encoding/json makes of oscar-cli's types.Service for this FDL (zero values included). */
    private static String serviceJson(Platform platform) {
        String script = "#!/bin/sh\\nwc -l < \\\"$INPUT_FILE_PATH\\\" | tr -d ' ' > \\\"$TMP_OUTPUT_DIR/$(basename "
                + "\\\"$INPUT_FILE_PATH\\\").count\\\"\\necho counted\\n";
        return """
                {"name":"cli-fn","cluster_id":"wharf","memory":"64Mi","cpu":"0.5","total_memory":"","total_cpu":"",
                "enable_gpu":false,"enable_sgx":false,"image_prefetch":false,"synchronous":{"min_scale":0,"max_scale":0},
                "delegation":"","rescheduler_threshold":0,"log_level":"","image":"localhost/wharf-busybox:1",
                "alpine":false,"token":"","file_stage_in":false,
                "input":[{"storage_provider":"minio.default","path":"cli-fn/in"}],
                "output":[{"storage_provider":"minio.default","path":"cli-fn/out"}],
                "script":"%s",
                "expose":{"min_scale":0,"max_scale":0,"cpu_threshold":0,"rewrite_target":false,"nodePort":0,
                "default_command":false,"set_auth":false},"environment":{"Variables":null},"annotations":null,"vo":"",
                "labels":null,"storage_providers":{"minio":{}},
                "clusters":{"wharf":{"endpoint":"%s","auth_user":"wharf","auth_password":"%s","ssl_verify":false}},
                "owner":"","interlink_node_name":"","allowed_users":null,"mount":{"storage_provider":"","path":""}}"""
                .formatted(script, platform.url(), Platform.PASSWORD);
    }

    private static HttpRequest get(Platform platform, String path) {
        return HttpRequest.newBuilder(URI.create(platform.url() + path))
                .header("Authorization", Platform.basic())
                .GET()
                .build();
    }

    private static HttpRequest withoutContentType(Platform platform, String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create(platform.url() + path))
                .header("Authorization", Platform.basic())
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.json().readTree(response.body());
    }
}
