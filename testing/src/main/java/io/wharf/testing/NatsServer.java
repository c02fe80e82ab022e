package io.wharf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real {@code nats-server} with JetStream, file storage and {@code sync_interval: always}, as Wharf runs it: with
 * authentication, each service its own user with the permissions of {@code etc/nats-permissions.conf}, and an
 * {@code admin} user for the tests themselves ({@link #url()}). Its store survives {@link #kill()} and
 * {@link #start()} again, like a machine's disk survives a crash.
 */
public final class NatsServer implements AutoCloseable {

    /** The service users of etc/nats-permissions.conf, and the permissions each gets. */
    private static final Map<String, String> SERVICES = Map.of("gateway", "$WHARF_GATEWAY_PERMISSIONS",
            "dispatcher", "$WHARF_DISPATCHER_PERMISSIONS", "minio", "$WHARF_MINIO_PERMISSIONS", "invoker",
            "$WHARF_INVOKER_PERMISSIONS", "onetrigger", "$WHARF_ONETRIGGER_PERMISSIONS", "builder",
            "$WHARF_BUILDER_PERMISSIONS");
    private static final String ADMIN = "admin";

    private final Path dir;
    private final int port;
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private String sync = "always";
    private ServerProcess process;

    public NatsServer(Path dir) {
        this.dir = dir;
        this.port = FreePorts.next();
        SERVICES.keySet().forEach(user -> passwords.put(user, UUID.randomUUID().toString()));
        passwords.put(ADMIN, UUID.randomUUID().toString());
    }

    /**
     * The server as nats-server runs by default, syncing to disk every two minutes instead of before every ack: for
     * benchmarks that show what Wharf's {@code sync_interval: always} costs.
     */
    public NatsServer withDefaultSync() {
        sync = "2m";
        return this;
    }

    public NatsServer start() {
        try {
            Files.createDirectories(dir.resolve("jetstream"));
            Files.copy(Binaries.repositoryRoot().resolve("etc/nats-permissions.conf"),
                    dir.resolve("permissions.conf"), StandardCopyOption.REPLACE_EXISTING);
            StringBuilder users = new StringBuilder();
            SERVICES.forEach((user, permissions) -> users.append("    {user: ")
                    .append(user)
                    .append(", password: \"")
                    .append(passwords.get(user))
                    .append("\", permissions: ")
                    .append(permissions)
                    .append("}\n"));
            users.append("    {user: ")
                    .append(ADMIN)
                    .append(", password: \"")
                    .append(passwords.get(ADMIN))
                    .append("\"}\n");
            Path config = dir.resolve("nats.conf");
            Files.writeString(config, """
                    listen: 127.0.0.1:%d
                    max_payload: 8MB
                    jetstream {
                      store_dir: "%s"
                      sync_interval: %s
                    }
                    include ./permissions.conf
                    authorization {
                      users: [
                    %s  ]
                    }
                    """.formatted(port, dir.resolve("jetstream"), sync, users));
            process = new ServerProcess("nats-server",
                    List.of(Binaries.natsServer().toString(), "-c", config.toString()),
                    Map.of(), port, dir.resolve("nats.log")).start(Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The server as the tests reach it: the {@code admin} user, allowed everything, in the URL. */
    public String url() {
        return "nats://" + ADMIN + ":" + passwords.get(ADMIN) + "@127.0.0.1:" + port;
    }

    /** The server as a service reaches it: no credentials in the URL (see {@link #password}). */
    public String serviceUrl() {
        return "nats://127.0.0.1:" + port;
    }

    /**
     * The password of a service's user: {@code gateway}, {@code dispatcher}, {@code onetrigger}, {@code minio} or
     * {@code invoker}.
     */
    public String password(String user) {
        if (!SERVICES.containsKey(user)) {
            throw new IllegalArgumentException("no NATS user " + user);
        }
        return passwords.get(user);
    }

    /** Where the server logs, e.g. its permission violations. */
    public Path logFile() {
        return dir.resolve("nats.log");
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
