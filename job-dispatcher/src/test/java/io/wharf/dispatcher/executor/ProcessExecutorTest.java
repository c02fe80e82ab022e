package io.wharf.dispatcher.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.ScriptUser;

/** The process sandbox: a script's processes end with it, however they detached themselves. */
class ProcessExecutorTest {

    @TempDir
    Path dir;

    @Test
    void shouldKillWhatTheScriptLeftRunningWhenItTimesOutEvenDetachedDaemons() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessExecutor executor = new ProcessExecutor(ScriptUser.whenRoot("65534:65534"), dir);
        String marker = "314159." + Math.abs(UUID.randomUUID().getMostSignificantBits() % 100000);
        ExecutionRequest request = Runs.prepare(executor, dir, """
                setsid sleep %s &
                (sleep %s &)
                nohup sleep %s > /dev/null 2>&1 &
                echo started
                sleep %s
                """.formatted(marker, marker, marker, marker), Duration.ofSeconds(3), () -> null);

        RunResult result = executor.run(request);

        assertThat(result.timedOut()).isTrue();
        assertThat(Runs.log(request)).contains("started");
        await("every process of the script gone").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(processesWith(marker)).isZero());
    }

    private static long processesWith(String marker) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .contains(marker);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }
}
