package io.wharf.dispatcher.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nats.client.Connection;
import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.NatsConnections;
import io.wharf.jetstream.Topology;
import io.wharf.testing.NatsServer;

/**
 * {@link LiveLog} against a real nats-server: a running execution's log is stored as it grows, and nothing is stored
 * once the follower is closed (the final log must win) or the run no longer speaks for its execution.
 */
class LiveLogTest {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private static NatsServer nats;
    private static Connection connection;
    private static LogStore logs;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path dir;

    @BeforeAll
    static void start(@TempDir Path natsDir) {
        nats = new NatsServer(natsDir).start();
        connection = NatsConnections.connect(nats.url(), "test", Optional.empty(), Optional.empty());
        Topology.ensure(connection, Duration.ofMinutes(10), 1);
        logs = new LogStore(connection);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        TIMER.shutdownNow();
        connection.close();
        nats.stop();
    }

    @Test
    void storesTheLogAsItGrowsAndNothingAfterItIsClosed() throws Exception {
        Path file = dir.resolve("log");
        Files.writeString(file, "first\n");
        LiveLog live = LiveLog.follow(TIMER, INTERVAL, logs, "live-1", file, () -> true);

        await().atMost(Duration.ofSeconds(10)).until(() -> stored("live-1").contains("first"));
        append(file, "second\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> stored("live-1").contains("second"));

        live.close();
        // the final log, as the dispatcher stores it once the run ended
        logs.put("live-1", file);
        append(file, "written after the end\n");
        await().during(INTERVAL.multipliedBy(10))
                .atMost(Duration.ofSeconds(5))
                .until(() -> stored("live-1").equals("first\nsecond\n"));
    }

    @Test
    void storesNothingOnceTheRunNoLongerSpeaksForItsExecution() throws Exception {
        Path file = dir.resolve("log");
        Files.writeString(file, "mine\n");
        AtomicBoolean current = new AtomicBoolean(true);
        try (LiveLog live = LiveLog.follow(TIMER, INTERVAL, logs, "live-2", file, current::get)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> stored("live-2").contains("mine"));

            // taken over by another dispatcher, which stores its own log
            current.set(false);
            live.store(); // a snapshot under way when it was taken over has ended
            logs.put("live-2", Files.writeString(dir.resolve("theirs"), "theirs\n"));
            append(file, "stale\n");
            await().during(INTERVAL.multipliedBy(10))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> stored("live-2").equals("theirs\n"));
        }
    }

    @Test
    void keepsOnlyTheEndOfALongLog() throws Exception {
        Path file = dir.resolve("log");
        Files.writeString(file, "x".repeat((int) LiveLog.MAX_BYTES) + "the end\n");
        try (LiveLog live = LiveLog.follow(TIMER, INTERVAL, logs, "live-3", file, () -> true)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> stored("live-3").endsWith("the end\n"));
            assertThat(stored("live-3")).hasSize((int) LiveLog.MAX_BYTES);
        }
    }

    private static String stored(String id) {
        return logs.get(id).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.APPEND);
    }
}
