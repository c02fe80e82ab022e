package io.wharf.onetrigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** A file is complete once its size and modification time stayed the same for the settling time. */
class SettlingTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @Test
    void aFileIsSettledOnlyOnceItStayedTheSameForTheSettlingTime() {
        Settling settling = new Settling(Duration.ofSeconds(5));

        assertThat(settling.settled("f", 100, 1, T0)).as("first seen").isFalse();
        assertThat(settling.settled("f", 100, 1, T0.plusSeconds(4))).isFalse();
        assertThat(settling.settled("f", 100, 1, T0.plusSeconds(5))).isTrue();
    }

    @Test
    void aFileStillGrowingStartsItsWaitAgainAtEachChange() {
        Settling settling = new Settling(Duration.ofSeconds(5));
        settling.settled("f", 100, 1, T0);

        assertThat(settling.settled("f", 200, 1, T0.plusSeconds(6))).as("grew").isFalse();
        assertThat(settling.settled("f", 200, 2, T0.plusSeconds(10))).as("touched").isFalse();
        assertThat(settling.settled("f", 200, 2, T0.plusSeconds(14))).isFalse();
        assertThat(settling.settled("f", 200, 2, T0.plusSeconds(15))).isTrue();
        assertThat(settling.waiting()).isTrue();
    }

    @Test
    void aFileThatIsGoneOrAnnouncedIsForgotten() {
        Settling settling = new Settling(Duration.ofSeconds(5));
        settling.settled("gone", 1, 1, T0);
        settling.settled("announced", 1, 1, T0);

        settling.keepOnly(Set.of("announced"));
        settling.forget("announced");

        assertThat(settling.waiting()).isFalse();
        assertThat(settling.settled("gone", 1, 1, T0.plusSeconds(60))).as("its wait starts again").isFalse();
    }
}
