package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.Json;
import io.wharf.testing.Platform;

/**
 * No value a user controls reaches a process the platform runs on the host: the variables and secrets of a function
 * (an {@code LD_PRELOAD} among them) reach its script, and no root-owned process the dispatcher starts (the container
 * engine, {@code unshare}, {@code setpriv}) holds any of them in its environment or its command line.
 */
class SandboxTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} executor")
    @ValueSource(strings = {"container", "process"})
    void shouldGiveUserValuesToTheScriptAndToNoHostProcess(String executor) throws Exception {
        String variable = "v-" + UUID.randomUUID();
        String secret = "s-" + UUID.randomUUID();
        try (Platform platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", executor))) {
            assertThat(platform.post("/system/services", "application/yaml", """
                    name: probe
                    image: localhost/wharf-busybox:1
                    timeout: 60
                    environment:
                      variables:
                        LD_PRELOAD: /nonexistent/wharf-probe.so
                        PROBE: "%s it's $(id) `id` ; \\"q\\""
                      secrets:
                        TOKEN: %s
                    script: |
                      echo "probe=$PROBE"
                      echo "token=$TOKEN"
                      echo "preload=$LD_PRELOAD"
                      sleep 4
                    input:
                    - storage_provider: minio
                      path: probe/in
                    output:
                    - storage_provider: minio
                      path: probe/out
                    """.formatted(variable, secret)).statusCode()).isEqualTo(201);

            HttpResponse<String> job = platform.post("/job/probe", "text/plain", "x");
            assertThat(job.statusCode()).isEqualTo(201);
            String execution = Json.json().readTree(job.body()).path("executionId").asText();

            List<ProcessHandle> hostSide = await("the platform's processes of the run").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> rootOwnedDescendants(platform.dispatcher().handle()), p -> !p.isEmpty());
            for (ProcessHandle process : hostSide) {
                String seen = read(process, "cmdline") + "\n" + read(process, "environ");
                assertThat(seen).as("pid %d (%s)", process.pid(), read(process, "cmdline"))
                        .doesNotContain(variable, secret, "LD_PRELOAD", "wharf-probe.so");
            }

            JsonNode jobs = await("the run ended").atMost(Duration.ofSeconds(60))
                    .until(() -> Json.json().readTree(platform.get("/system/logs/probe").body()).path("jobs"),
                            j -> j.path(execution).path("status").asText().matches("Succeeded|Failed"));
            assertThat(jobs.path(execution).path("status").asText()).isEqualTo("Succeeded");
            String log = platform.get("/system/logs/probe/" + execution).body();
            assertThat(log).contains("probe=" + variable + " it's $(id) `id` ; \"q\"", "token=" + secret,
                    "preload=/nonexistent/wharf-probe.so");
            if (executor.equals("container")) {
                // the image is static busybox: an ld.so complaint could only come from a host binary
                assertThat(log).doesNotContain("cannot be preloaded");
            }
        }
    }

    /** What the dispatcher has started that runs as root: the platform's side of an execution. */
    private static List<ProcessHandle> rootOwnedDescendants(ProcessHandle dispatcher) {
        return dispatcher.descendants().filter(p -> {
            try {
                return Files.getAttribute(Path.of("/proc", Long.toString(p.pid())), "unix:uid").equals(0);
            } catch (IOException | UnsupportedOperationException gone) {
                return false;
            }
        }).toList();
    }

    private static String read(ProcessHandle process, String file) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), file)),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }
}
