package io.wharf.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class LogLinesTest {

    private static final Instant TIME = Instant.parse("2026-12-02T18:19:47.413512Z");

    @Test
    void shouldStampEveryLineAndTakeTheStampsOffAgain() {
        String text = "first\n\nthird without end";

        String stamped = LogLines.stamped(text, TIME);

        assertThat(stamped).isEqualTo("2026-12-02T18:19:47.413512Z first\n2026-12-02T18:19:47.413512Z \n"
                + "2026-12-02T18:19:47.413512Z third without end");
        assertThat(LogLines.withoutTimes(stamped)).isEqualTo(text);
    }

    @Test
    void shouldTakeOffKubernetesNanosecondStampsAndLeaveLinesWithoutOneAsTheyAre() {
        String log = "2025-01-02T15:04:05.123456789Z from a pod\n[wharf: 10 bytes of this log were cut]\n"
                + "2025-01-02T15:04:05Z whole seconds\n2025-01-02 15:04:05 not a stamp\n2025-01-02T15:04:05.1Z";

        assertThat(LogLines.withoutTimes(log)).isEqualTo("from a pod\n[wharf: 10 bytes of this log were cut]\n"
                + "whole seconds\n2025-01-02 15:04:05 not a stamp\n2025-01-02T15:04:05.1Z");
    }
}
