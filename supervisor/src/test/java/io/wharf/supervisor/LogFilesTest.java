package io.wharf.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheStartAndTheEndOfALogOverTheLimit() throws Exception {
        Path log = Files.writeString(dir.resolve("log"), "START" + "x".repeat(10_000) + "END");

        assertThat(LogFiles.capTo(log, 100)).isTrue();

        String capped = Files.readString(log);
        assertThat(capped).startsWith("START").endsWith("END").contains("[wharf: 9908 bytes of this log were cut]");
        assertThat(capped.length()).isLessThan(200);
    }

    @Test
    void shouldLeaveAShortLogAlone() throws Exception {
        Path log = Files.writeString(dir.resolve("log"), "short");

        assertThat(LogFiles.capTo(log, 100)).isFalse();
        assertThat(log).hasContent("short");
    }
}
