package io.wharf.supervisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.MakeBucketArgs;
import io.wharf.contracts.Json;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.testing.Buckets;
import io.wharf.testing.MinioServer;

/** The supervisor's commands as a pod's containers run them. */
class SupervisorCliTest {

    @Test
    void shouldLeaveAFetchedSandboxReadyForAShellWithTheSandboxAtWharf(@TempDir Path dir) throws Exception {
        Envelope envelope = Envelope.of(EnvelopeIds.forInvocation("echo", "test://", "1"), "test://",
                Envelope.TYPE_INVOCATION, null, Instant.now(), "echo", EventData.invocation("api",
                        Base64.getEncoder().encodeToString("{\"a\": 1}".getBytes(StandardCharsets.UTF_8)), null,
                        null));
        Path event = Files.write(dir.resolve("event.json"), EnvelopeCodec.encode(envelope));
        Path function = Files.writeString(dir.resolve("function.yaml"),
                "name: echo\nimage: localhost/wharf-busybox:1\nscript: cat \"$INPUT_FILE_PATH\"\n"
                        + "environment: {variables: {GREETING: \"it's\"}}\n");
        Path workspace = dir.resolve("workspace");

        int code = SupervisorCli.run(new String[]{"fetch", "--workspace", workspace.toString(), "--event",
                event.toString(), "--function", function.toString()}, Map.of("WHARF_S3_ENDPOINT",
                        "http://127.0.0.1:1", "WHARF_S3_ACCESS_KEY", "unused", "WHARF_S3_SECRET_KEY", "unused"));

        assertThat(code).isZero();
        assertThat(workspace.resolve("sandbox/input/input")).hasContent("{\"a\": 1}");
        assertThat(workspace.resolve("sandbox/script.sh")).hasContent("cat \"$INPUT_FILE_PATH\"");
        assertThat(Files.readString(workspace.resolve("sandbox/environment.sh")))
                .contains("export INPUT_FILE_PATH='/wharf/input/input'")
                .contains("export GREETING='it'\\''s'")
                .doesNotContain(workspace.toString());
    }

    @Test
    void shouldFetchAndDeliverWithTheDefinitionAsTheDispatcherWritesItAndReportTheOutputs(@TempDir Path dir)
            throws Exception {
        try (MinioServer minio = new MinioServer(dir.resolve("minio")).start()) {
            minio.client().makeBucket(MakeBucketArgs.builder().bucket("cli-data").build());
            Buckets.put(minio.client(), "cli-data", "in/a b.txt", "hello");
            FunctionDefinition fn = FdlReader.readOne("name: cli\nimage: localhost/wharf-busybox:1\nscript: true\n"
                    + "input: [{storage_provider: minio, path: cli-data/in}]\n"
                    + "output: [{storage_provider: minio, path: cli-data/out}]\n")
                    .managedBy("alice", "t".repeat(32), "0123456789abcdef", 1);
            String source = "minio://test/cli-data";
            Envelope envelope = Envelope.of(EnvelopeIds.forObject("cli", source, "in/a b.txt", "1"), source,
                    Envelope.TYPE_OBJECT_CREATED, "in/a b.txt", Instant.now(), "cli",
                    EventData.object("minio", "default", "cli-data", "in/a b.txt", null, null, null, null));
            Path event = Files.write(dir.resolve("event.json"), EnvelopeCodec.encode(envelope));
            // the definition as the Kubernetes runtime puts it into the execution's Secret
            Path function = Files.writeString(dir.resolve("function.json"), Json.json().writeValueAsString(fn));
            Path workspace = dir.resolve("workspace");
            Map<String, String> env = Map.of("WHARF_S3_ENDPOINT", minio.endpoint(), "WHARF_S3_ACCESS_KEY",
                    MinioServer.ACCESS_KEY, "WHARF_S3_SECRET_KEY", MinioServer.SECRET_KEY);
            String[] common = {"--workspace", workspace.toString(), "--event", event.toString(), "--function",
                    function.toString()};

            assertThat(SupervisorCli.run(concat("fetch", common), env)).isZero();
            assertThat(workspace.resolve("sandbox/input/a b.txt")).hasContent("hello");
            // the run step, as the function's image would: one output
            Files.writeString(workspace.resolve("sandbox/output/result.txt"), "HELLO");
            Path report = dir.resolve("termination-log");
            String[] deliver = concat("deliver", common);
            deliver = java.util.stream.Stream.concat(java.util.Arrays.stream(deliver),
                    java.util.stream.Stream.of("--report", report.toString())).toArray(String[]::new);

            assertThat(SupervisorCli.run(deliver, env)).isZero();
            assertThat(Buckets.read(minio.client(), "cli-data", "out/result.txt")).isEqualTo("HELLO");
            assertThat(report).hasContent("cli-data/out/result.txt\n");
        }
    }

    private static String[] concat(String command, String[] options) {
        String[] all = new String[options.length + 1];
        all[0] = command;
        System.arraycopy(options, 0, all, 1, options.length);
        return all;
    }
}
