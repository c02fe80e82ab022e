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

import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;

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
}
