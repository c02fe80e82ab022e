package io.wharf.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.wharf.contracts.LogLines;

class ProcessRunnerTest {

    @TempDir
    Path dir;

    @Test
    void shouldReturnTheExitCodeAndKeepTheOutputInTheLog() throws Exception {
        Path log = dir.resolve("log");

        RunResult result = ProcessRunner.run(List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3"),
                Map.of(), dir, Duration.ofSeconds(30), log, () -> {
                });

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.timedOut()).isFalse();
        assertThat(Files.readString(log)).contains("out", "err");
    }

    @Test
    void shouldStampEachLineWithTheTimeItWasWrittenKeepingTheBytesAsTheyAre() throws Exception {
        Path log = dir.resolve("log");

        ProcessRunner.run(List.of("/bin/sh", "-c", "printf 'one\\ntwo'; sleep 1; printf ' more\\nthree\\n'"),
                Map.of("PATH", "/usr/bin:/bin"), dir, Duration.ofSeconds(30), log, () -> {
                });

        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(3).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z .*"));
        assertThat(LogLines.withoutTimes(Files.readString(log))).isEqualTo("one\ntwo more\nthree\n");
        Instant first = Instant.parse(lines.get(0).substring(0, lines.get(0).indexOf(' ')));
        Instant third = Instant.parse(lines.get(2).substring(0, lines.get(2).indexOf(' ')));
        assertThat(third).as("written a second later").isAfter(first);
    }

    @Test
    void shouldKillTheWholeProcessTreeAtTheTimeout() throws Exception {
        Path log = dir.resolve("log");
        Path pidFile = dir.resolve("child.pid");
        AtomicBoolean hookRan = new AtomicBoolean();

        RunResult result = ProcessRunner.run(
                List.of("/bin/sh", "-c", "sleep 300 & echo $! > " + pidFile + "; wait; echo after-the-timeout"),
                Map.of("PATH", "/usr/bin:/bin"), dir, Duration.ofMillis(1500), log, () -> hookRan.set(true));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.succeeded()).isFalse();
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(30));
        assertThat(hookRan).isTrue();
        long child = Long.parseLong(Files.readString(pidFile).strip());
        await("the script's child killed").atMost(Duration.ofSeconds(10))
                .until(() -> !ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
        await("the script's next line never runs").during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> !Files.readString(log).contains("after-the-timeout"));
    }

    @Test
    void shouldNotLeakTheCallersEnvironment() throws Exception {
        Path log = dir.resolve("log");

        ProcessRunner.run(List.of("/bin/sh", "-c", "env"), Map.of("ONLY", "this"), dir, Duration.ofSeconds(30), log,
                () -> {
                });

        assertThat(Files.readString(log)).contains("ONLY=this").doesNotContain("JAVA_HOME", "MAVEN");
    }
}
