package io.wharf.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nats.client.Connection;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.wharf.testing.NatsServer;

/** The shared pull loop, against a real nats-server. */
class PullLoopTest {

    @TempDir
    Path dir;

    @Test
    void shouldHandOverAMessageAsSoonAsItArrivesThoughMoreSlotsAreFree() throws Exception {
        NatsServer nats = new NatsServer(dir).start();
        ExecutorService handlers = Executors.newFixedThreadPool(4);
        try (Connection connection = NatsConnections.connect(nats.url(), "test", Optional.empty(),
                Optional.empty())) {
            connection.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name("loop")
                            .subjects("loop.>")
                            .storageType(StorageType.File)
                            .build());
            List<String> handled = new CopyOnWriteArrayList<>();
            // a pull request that waits a minute: a message must not wait for the other three to fill its batch
            PullLoop loop = PullLoop.start(connection, "loop", ConsumerConfiguration.builder()
                    .durable("loop")
                    .ackPolicy(AckPolicy.Explicit)
                    .build(), 4, handlers, m -> {
                        handled.add(new String(m.getData(), StandardCharsets.UTF_8));
                        m.ack();
                    }, Duration.ofMinutes(1));
            try {
                connection.jetStream().publish("loop.one", "first".getBytes(StandardCharsets.UTF_8));

                await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains("first"));

                connection.jetStream().publish("loop.two", "second".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains("second"));
                assertThat(handled).containsExactly("first", "second");
            } finally {
                loop.stop();
            }
        } finally {
            handlers.shutdownNow();
            nats.stop();
        }
    }
}
