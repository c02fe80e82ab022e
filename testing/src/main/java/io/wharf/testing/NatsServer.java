package io.wharf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real {@code nats-server} with JetStream, file storage and {@code sync_interval: always}, as Wharf runs it. Its
 * store survives {@link #kill()} and {@link #start()} again, like a machine's disk survives a crash.
 */
public final class NatsServer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private ServerProcess process;

    public NatsServer(Path dir) {
        this.dir = dir;
        this.port = FreePorts.next();
    }

    public NatsServer start() {
        try {
            Files.createDirectories(dir.resolve("jetstream"));
            Path config = dir.resolve("nats.conf");
            Files.writeString(config, """
                    listen: 127.0.0.1:%d
                    max_payload: 8MB
                    jetstream {
                      store_dir: "%s"
                      sync_interval: always
                    }
                    """.formatted(port, dir.resolve("jetstream")));
            process = new ServerProcess("nats-server",
                    List.of(Binaries.natsServer().toString(), "-c", config.toString()),
                    Map.of(), port, dir.resolve("nats.log")).start(Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public void kill() {
        process.kill();
    }

    public void stop() {
        if (process != null) {
            process.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
