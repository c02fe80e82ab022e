package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.wharf.testing.Binaries;
import io.wharf.testing.FreePorts;
import io.wharf.testing.MinioServer;
import io.wharf.testing.NatsServer;

/**
 * The gateway's, the dispatcher's, onetrigger's and the build service's images, built from their Dockerfiles on the
 * Java base image {@code ./wharf install} makes, start as the manifests of {@code k8s/} run them: an arbitrary uid
 * without a name (as OpenShift assigns), a read-only root with only {@code /tmp} writable, no capabilities, no
 * privilege escalation; and become ready against a real NATS (each with its own user) and MinIO.
 */
class ServiceImagesTest {

    private static final Path REPO = Binaries.repositoryRoot();
    private static final String UID = "1000680000";
    private static final String SECRETS_KEY = "d2hhcmYtdGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcyE=";

    private static NatsServer nats;
    private static MinioServer minio;
    private static final List<String> containers = new ArrayList<>();

    @BeforeAll
    static void buildTheImagesAndStartNatsAndMinio(@TempDir Path dir) throws Exception {
        for (String module : List.of("event-gateway", "job-dispatcher", "onetrigger", "build-service")) {
            podman("build", "-q", "--pull=never", "--build-arg", "BASE_IMAGE=localhost/wharf-java:17", "-t",
                    "localhost/wharf/" + module + ":images-test", "-f",
                    REPO.resolve(module + "/src/main/docker/Dockerfile").toString(),
                    REPO.resolve(module).toString());
        }
        nats = new NatsServer(dir.resolve("nats")).start();
        minio = new MinioServer(dir.resolve("minio")).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (String container : containers) {
            podman("rm", "-f", container);
        }
        if (minio != null) {
            minio.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void shouldStartEveryServiceAsAnArbitraryUidOnAReadOnlyRootAndBecomeReady() throws Exception {
        int gateway = FreePorts.next();
        run("event-gateway", Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(gateway),
                "WHARF_NATS_URL", nats.serviceUrl(), "WHARF_NATS_USER", "gateway",
                "WHARF_NATS_PASSWORD", nats.password("gateway"),
                "WHARF_STORAGE_ENDPOINT", minio.endpoint(), "WHARF_STORAGE_ACCESS_KEY", MinioServer.ACCESS_KEY,
                "WHARF_STORAGE_SECRET_KEY", MinioServer.SECRET_KEY,
                "WHARF_GATEWAY_WEBHOOK_TOKEN", "images-test-token", "WHARF_SECRETS_KEY", SECRETS_KEY,
                "WHARF_GATEWAY_USERS_WHARF", "images-test-password"));
        awaitReady(gateway, "event-gateway");

        int dispatcher = FreePorts.next();
        run("job-dispatcher", Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(dispatcher),
                "WHARF_NATS_URL", nats.serviceUrl(), "WHARF_NATS_USER", "dispatcher",
                "WHARF_NATS_PASSWORD", nats.password("dispatcher"),
                "WHARF_STORAGE_ENDPOINT", minio.endpoint(), "WHARF_SECRETS_KEY", SECRETS_KEY,
                "WHARF_DISPATCHER_EXECUTOR", "process"));
        awaitReady(dispatcher, "job-dispatcher");

        // ready once it has read the watches, from a bucket the gateway made
        int onetrigger = FreePorts.next();
        run("onetrigger", Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(onetrigger),
                "WHARF_NATS_URL", nats.serviceUrl(), "WHARF_NATS_USER", "onetrigger",
                "WHARF_NATS_PASSWORD", nats.password("onetrigger"),
                "WHARF_ONETRIGGER_GATEWAY_URL", "http://127.0.0.1:" + gateway,
                "WHARF_ONETRIGGER_TOKEN", "images-test-onetrigger-token", "WHARF_SECRETS_KEY", SECRETS_KEY));
        awaitReady(onetrigger, "onetrigger");

        // ready once connected to NATS, its pull loop on the build requests' stream the gateway made; the manifests
        // run it with executor=kaniko, which needs a cluster to build: podman here, where there is none (its builds are
        // e2e's BuildTest)
        int builder = FreePorts.next();
        run("build-service", Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(builder),
                "WHARF_NATS_URL", nats.serviceUrl(), "WHARF_NATS_USER", "builder",
                "WHARF_NATS_PASSWORD", nats.password("builder"),
                "WHARF_BUILD_EXECUTOR", "podman"));
        awaitReady(builder, "build-service");
    }

    private static void run(String module, Map<String, String> env) throws Exception {
        String name = "wharf-images-test-" + module;
        List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host",
                "--user", UID, "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt",
                "no-new-privileges"));
        env.forEach((k, v) -> command.addAll(List.of("-e", k + "=" + v)));
        command.add("localhost/wharf/" + module + ":images-test");
        containers.add(name);
        podman(command.toArray(String[]::new));
    }

    private static void awaitReady(int port, String module) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(module + " did not become ready; its log:\n"
                    + podman("logs", "wharf-images-test-" + module), e);
        }
    }

    private static String podman(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("podman %s:%n%s", arguments[0], output).isZero();
        return output;
    }
}
