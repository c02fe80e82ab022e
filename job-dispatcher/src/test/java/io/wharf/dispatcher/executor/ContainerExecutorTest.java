package io.wharf.dispatcher.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.runtime.configuration.MemorySize;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.supervisor.RunResult;

/** The container sandbox, with the real Podman: what a script may and may not do to its container. */
class ContainerExecutorTest {

    @TempDir
    Path dir;

    private final ContainerExecutor executor = new ContainerExecutor(config());

    @Test
    void shouldGiveTheScriptAReadOnlyRootAndASmallTmpButAWritableOutputFolder() throws Exception {
        ExecutionRequest request = Runs.prepare(executor, dir, """
                touch /etc/wharf-was-here 2>&1 || true
                dd if=/dev/zero of=/tmp/big bs=1M count=64 2>/dev/null
                echo "tmp holds $(($(wc -c < /tmp/big) / 1048576)) MiB"
                echo done > "$TMP_OUTPUT_DIR/result.txt"
                """, Duration.ofSeconds(60), () -> null);

        RunResult result = executor.run(request);

        assertThat(result.succeeded()).as(Runs.log(request)).isTrue();
        assertThat(Runs.log(request)).contains("Read-only file system", "tmp holds 16 MiB");
        assertThat(Files.readString(request.workspace().outputDir().resolve("result.txt"))).isEqualTo("done\n");
    }

    @Test
    void shouldKillAScriptThatExceedsItsWorkspaceLimit() throws Exception {
        ExecutionRequest[] request = new ExecutionRequest[1];
        request[0] = Runs.prepare(executor, dir, """
                while true; do dd if=/dev/zero bs=1M count=4 >> "$TMP_OUTPUT_DIR/fill" 2>/dev/null; done
                """, Duration.ofSeconds(120), () -> request[0].workspace().size() > 16L << 20
                ? "wrote more than 16 MiB"
                : null);

        RunResult result = executor.run(request[0]);

        assertThat(result.limitExceeded()).isEqualTo("wrote more than 16 MiB");
        assertThat(result.timedOut()).isFalse();
        assertThat(result.succeeded()).isFalse();
    }

    static DispatcherConfig.Container config() {
        return new DispatcherConfig.Container() {

            @Override
            public String engine() {
                return "podman";
            }

            @Override
            public String network() {
                return "none";
            }

            @Override
            public String user() {
                return "65534:65534";
            }

            @Override
            public int pidsLimit() {
                return 64;
            }

            @Override
            public MemorySize tmpSize() {
                return new MemorySize(java.math.BigInteger.valueOf(16L << 20));
            }

            @Override
            public DispatcherConfig.Warm warm() {
                throw new UnsupportedOperationException("the tests make their warm pools themselves");
            }
        };
    }
}
