package io.wharf.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.wharf.contracts.LogLines;

class ScriptLauncherTest {

    @TempDir
    Path dir;

    @Test
    void shouldHandEveryValueToTheScriptVerbatimWithoutTheShellInterpretingIt() throws Exception {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("QUOTES", "it's \"quoted\" and 'single'");
        variables.put("SUBSTITUTIONS", "$(touch " + dir.resolve("pwned") + ") `id` ${HOME} $$");
        variables.put("LINES", "first\nsecond\n\ttabbed");
        variables.put("EMPTY", "");
        Workspace ws = Workspace.create(dir, "launch");
        Files.writeString(ws.scriptFile(), """
                printf '%s|' "$QUOTES" "$SUBSTITUTIONS" "$LINES" "${EMPTY-unset}"
                """);
        ScriptLauncher.writeEnvironment(ws.environmentFile(), variables);

        RunResult result = ProcessRunner.run(ScriptLauncher.command(ws.hostView()), Map.of("PATH", "/usr/bin:/bin"),
                ws.sandbox(), Duration.ofSeconds(30), ws.logFile(), () -> {
                });

        assertThat(result.succeeded()).isTrue();
        assertThat(LogLines.withoutTimes(Files.readString(ws.logFile())))
                .isEqualTo(String.join("|", variables.values()) + "|");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void shouldRefuseWhatCannotBeAVariable() {
        Path file = dir.resolve("environment.sh");

        assertThatThrownBy(() -> ScriptLauncher.writeEnvironment(file, Map.of("A=B", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScriptLauncher.writeEnvironment(file, Map.of("NUL", "a\0b")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
