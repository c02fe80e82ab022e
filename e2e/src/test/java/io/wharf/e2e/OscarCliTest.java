package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wharf.testing.Binaries;
import io.wharf.testing.Platform;

/**
 * OSCAR's own client, v1.12.2, built from its release source by {@code ./wharf install oscar-cli}, against the
 * platform as {@code ./wharf} runs it: every command of its that touches the server, as a user types it. Its cluster list lives in the test's own {@code HOME}.
 */
class OscarCliTest {

    @TempDir
    Path dir;

    @Test
    void shouldServeOscarClisCommandsFromClusterAddToDelete() throws Exception {
        try (Platform platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "process"))) {
            Path home = Files.createDirectories(dir.resolve("home"));
            assertThat(cli(home, "cluster", "add", "wharf-test", platform.url(), Platform.USER, Platform.PASSWORD)
                    .exitCode()).isZero();
            assertThat(cli(home, "cluster", "info").output()).containsIgnoringCase("version");

            // the user's own MinIO keys, which a named provider of the FDL carries (as a user copies them)
            JsonNode minio = new ObjectMapper().readTree(platform.get("/system/config").body()).path("minio_provider");

            // an FDL as OSCAR's examples write it: no cpu or memory, the script in a file beside it
            Path fdl = dir.resolve("upper.yaml");
            Files.writeString(dir.resolve("upper.sh"),
                    "echo \"upper-casing $(basename \"$INPUT_FILE_PATH\")\"\n"
                            + "echo \"event from $(echo \"$EVENT\" | grep -o 'minio:s3' | head -n 1)\"\n"
                            + "tr a-z A-Z < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/$(basename \"$INPUT_FILE_PATH\")\"\n");
            Files.writeString(fdl, """
                    functions:
                      oscar:
                      - wharf-test:
                          name: cli-upper
                          image: localhost/wharf-busybox:1
                          script: upper.sh
                          input:
                          - storage_provider: minio.default
                            path: cli-upper/in
                          output:
                          - storage_provider: minio.default
                            path: cli-upper/out
                    storage_providers:
                      minio:
                        mine:
                          endpoint: %s
                          verify: false
                          access_key: %s
                          secret_key: %s
                          region: %s
                    """.formatted(minio.path("endpoint").asText(), minio.path("access_key").asText(),
                    minio.path("secret_key").asText(), minio.path("region").asText()));
            ok(cli(home, "apply", fdl.toString()));
            assertThat(ok(cli(home, "service", "list")).output()).contains("cli-upper");
            assertThat(ok(cli(home, "service", "get", "cli-upper")).output()).contains("localhost/wharf-busybox:1");

            // with cpu and memory; removed with service delete (oscar-cli reads script: as a path, always)
            Files.writeString(dir.resolve("copy.sh"), "cp \"$INPUT_FILE_PATH\" \"$TMP_OUTPUT_DIR/\"\n");
            Path sized = dir.resolve("sized.yaml");
            Files.writeString(sized, """
                    functions:
                      oscar:
                      - wharf-test:
                          name: cli-sized
                          image: localhost/wharf-busybox:1
                          cpu: '0.5'
                          memory: 96Mi
                          script: copy.sh
                          input:
                          - storage_provider: minio.default
                            path: cli-sized/in
                    """);
            ok(cli(home, "apply", sized.toString()));
            assertThat(ok(cli(home, "service", "get", "cli-sized")).output()).contains("96Mi").contains("0.5");
            ok(cli(home, "service", "delete", "cli-sized"));
            assertThat(ok(cli(home, "service", "list")).output()).doesNotContain("cli-sized").contains("cli-upper");

            Path local = Files.writeString(dir.resolve("hello.txt"), "hello from oscar-cli\n");
            ok(cli(home, "service", "put-file", "cli-upper", "minio.default", local.toString(),
                    "cli-upper/in/hello.txt"));

            String job = await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> succeededJob(cli(home, "service", "logs", "list", "cli-upper").output()),
                            j -> j != null);
            assertThat(ok(cli(home, "service", "logs", "get", "cli-upper", job)).output())
                    .contains("upper-casing hello.txt")
                    .contains("event from minio:s3") // OSCAR's $EVENT: the notification MinIO sent
                    .doesNotContainPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT");
            // each line with the time it was written, as Kubernetes shows a pod's log
            assertThat(ok(cli(home, "service", "logs", "get", "cli-upper", job, "--show-timestamps")).output())
                    .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z "
                            + "upper-casing hello.txt$");
            assertThat(ok(cli(home, "service", "list-files", "cli-upper", "minio.default", "cli-upper/out"))
                    .output()).contains("hello.txt");
            Path fetched = dir.resolve("fetched.txt");
            ok(cli(home, "service", "get-file", "cli-upper", "minio.default", "cli-upper/out/hello.txt",
                    fetched.toString()));
            assertThat(fetched).hasContent("HELLO FROM OSCAR-CLI");

            // an asynchronous invocation with the service's token, as oscar-cli reads it from the service
            ok(cli(home, "service", "job", "cli-upper", "--text-input", "a job's text"));
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> cli(home, "service", "logs", "list", "cli-upper").output()
                            .split("Succeeded", -1).length,
                            n -> n == 3);

            // synchronous invocations: the one file the script left comes back (base64, which oscar-cli decodes)
            assertThat(ok(cli(home, "service", "run", "cli-upper", "--text-input", "run me")).output())
                    .contains("RUN ME");
            Path result = dir.resolve("result.txt");
            ok(cli(home, "service", "run", "cli-upper", "--file-input", local.toString(), "--output",
                    result.toString()));
            assertThat(result).hasContent("HELLO FROM OSCAR-CLI");

            // the file commands on the named provider: oscar-cli takes its keys from the service, as its owner gets it
            Path named = Files.writeString(dir.resolve("named.txt"), "through minio.mine\n");
            ok(cli(home, "service", "put-file", "cli-upper", "minio.mine", named.toString(),
                    "cli-upper/extra/named.txt"));
            assertThat(ok(cli(home, "service", "list-files", "cli-upper", "minio.mine", "cli-upper/extra")).output())
                    .contains("named.txt");
            Path back = dir.resolve("named-back.txt");
            ok(cli(home, "service", "get-file", "cli-upper", "minio.mine", "cli-upper/extra/named.txt",
                    back.toString()));
            assertThat(back).hasContent("through minio.mine");
            ok(cli(home, "service", "delete-file", "cli-upper", "minio.mine", "cli-upper/extra/named.txt"));
            assertThat(cli(home, "service", "list-files", "cli-upper", "minio.mine", "cli-upper/extra").output())
                    .doesNotContain("named.txt");
            ok(cli(home, "service", "delete-file", "cli-upper", "minio.default", "cli-upper/out/hello.txt"));
            assertThat(cli(home, "service", "list-files", "cli-upper", "minio.default", "cli-upper/out").output())
                    .doesNotContain("hello.txt");

            ok(cli(home, "service", "logs", "remove", "cli-upper", job));
            assertThat(cli(home, "service", "logs", "list", "cli-upper").output()).doesNotContain(job);

            ok(cli(home, "service", "logs", "remove", "cli-upper", "--all"));
            assertThat(cli(home, "service", "logs", "list", "cli-upper").output()).doesNotContain("Succeeded");

            ok(cli(home, "delete", fdl.toString()));
            assertThat(ok(cli(home, "service", "list")).output()).doesNotContain("cli-upper");
        }
    }

    /** The name of a succeeded job in {@code service logs list}'s table, if there is one. */
    private static String succeededJob(String table) {
        for (String line : table.split("\n")) {
            if (line.contains("Succeeded")) {
                return line.strip().split("\\s+")[0];
            }
        }
        return null;
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as("oscar-cli %s:%n%s", result.command(), result.output()).isZero();
        return result;
    }

    private Result cli(Path home, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Binaries.find("oscar-cli").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return new Result(String.join(" ", arguments), process.exitValue(), output);
    }

    private record Result(String command, int exitCode, String output) {
    }
}
