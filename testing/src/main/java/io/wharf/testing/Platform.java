package io.wharf.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.minio.MinioClient;

/**
 * Wharf as {@code ./wharf up} runs it: nats-server, MinIO with its webhook pointing at the gateway, and the packaged
 * gateway and dispatcher as separate processes configured through a properties file.
 */
public final class Platform implements AutoCloseable {

    public static final String USER = "wharf";
    public static final String PASSWORD = "e2e-password";
    public static final String WEBHOOK_TOKEN = "e2e-webhook-token";
    public static final String ONETRIGGER_TOKEN = "e2e-onetrigger-token";
    /** Encrypts the web UI's session cookies. */
    public static final String SESSION_KEY = "e2e-session-encryption-key-0123456789";

    private final Path dir;
    private final int httpPort = FreePorts.next();
    private final NatsServer nats;
    private final MinioServer minio;
    private final Map<String, String> dispatcherSettings;
    private Map<String, String> gatewaySettings = Map.of();
    private ServerProcess gateway;
    private ServerProcess dispatcher;
    private ServerProcess onetrigger;
    private ServerProcess builder;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, ClassArchive> archives = new HashMap<>();

    private Platform(Path dir, Map<String, String> dispatcherSettings) {
        this.dir = dir;
        this.dispatcherSettings = dispatcherSettings;
        this.nats = new NatsServer(dir.resolve("nats"));
        this.minio = new MinioServer(dir.resolve("minio"))
                .withWebhook("http://127.0.0.1:" + httpPort + "/events/minio", WEBHOOK_TOKEN);
    }

    /** @param dispatcherSettings {@code wharf.dispatcher.*} settings, e.g. the executor */
    public static Platform start(Path dir, Map<String, String> dispatcherSettings) {
        return start(dir, dispatcherSettings, Map.of());
    }

    /**
     * @param dispatcherSettings {@code wharf.dispatcher.*} settings, e.g. the executor
     * @param gatewaySettings {@code wharf.gateway.*} settings beside those every platform has
     */
    public static Platform start(Path dir, Map<String, String> dispatcherSettings,
            Map<String, String> gatewaySettings) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Platform platform = new Platform(dir, dispatcherSettings);
        platform.gatewaySettings = gatewaySettings;
        platform.nats.start();
        platform.minio.start();
        platform.startGateway();
        platform.startDispatcher();
        return platform;
    }

    /** Starts the gateway (again), on the port MinIO's webhook points at, and waits for its {@code /health}. */
    public void startGateway() {
        Map<String, String> settings = new HashMap<>(gatewaySettings);
        settings.put("wharf.gateway.webhook-token", WEBHOOK_TOKEN);
        settings.put("wharf.gateway.onetrigger-token", ONETRIGGER_TOKEN);
        settings.put("wharf.gateway.users." + USER, PASSWORD);
        // the web UI's session cookies (./wharf up generates a key per installation)
        settings.putIfAbsent("quarkus.http.auth.session.encryption-key", SESSION_KEY);
        gateway = startService("gateway", "event-gateway", httpPort, settings);
        await("the gateway's /health").atMost(Duration.ofSeconds(60)).until(() -> get("/health").statusCode() == 200);
    }

    public void stopGateway() {
        gateway.stop();
        archives.get("gateway").keep();
    }

    public void startDispatcher() {
        startDispatcher(Map.of());
    }

    /** Starts the dispatcher with some of its settings changed from those the platform started with. */
    public void startDispatcher(Map<String, String> changed) {
        Map<String, String> settings = new HashMap<>(dispatcherSettings);
        settings.putAll(changed);
        settings.putIfAbsent("wharf.dispatcher.work-dir", dir.resolve("executions").toString());
        dispatcher = startService("dispatcher", "job-dispatcher", FreePorts.next(), settings);
    }

    /** Stops the dispatcher as an operator does (SIGTERM), and waits for it to end. */
    public void stopDispatcher() {
        dispatcher.stop();
        archives.get("dispatcher").keep();
    }

    /** Kills the dispatcher at once, as a crash would. */
    public void killDispatcher() {
        dispatcher.kill();
    }

    /**
     * Starts onetrigger, as {@code ./wharf up} does, announcing to this platform's gateway.
     *
     * @param settings {@code wharf.onetrigger.*} and {@code wharf.storage.*} settings, e.g. its poll interval
     */
    public void startOnetrigger(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("wharf.onetrigger.gateway-url", url());
        all.put("wharf.onetrigger.token", ONETRIGGER_TOKEN);
        onetrigger = startService("onetrigger", "onetrigger", FreePorts.next(), all);
    }

    /** Starts the build service, as {@code ./wharf up} does. */
    public void startBuilder(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.putIfAbsent("wharf.build.work-dir", dir.resolve("builds").toString());
        builder = startService("builder", "build-service", FreePorts.next(), all);
    }

    /** Stops onetrigger as an operator does (SIGTERM), and waits for it to end. */
    public void stopOnetrigger() {
        onetrigger.stop();
        archives.get("onetrigger").keep();
    }

    public ServerProcess onetrigger() {
        return onetrigger;
    }

    /** Kills nats-server at once (its store survives, as a disk does), then starts it again on the same port. */
    public void killAndRestartNats() {
        nats.kill();
        nats.start();
    }

    /** Stops MinIO (its data and queued notifications survive). */
    public void stopMinio() {
        minio.stop();
    }

    /** Starts MinIO again on the same port, with the same data. */
    public void startMinio() {
        minio.start();
    }

    /** Where the executions' workspaces live. */
    public Path workDir() {
        return Path.of(dispatcherSettings.getOrDefault("wharf.dispatcher.work-dir",
                dir.resolve("executions").toString()));
    }

    public ServerProcess gateway() {
        return gateway;
    }

    public ServerProcess dispatcher() {
        return dispatcher;
    }

    public String natsUrl() {
        return nats.url();
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public MinioClient minio() {
        return minio.client();
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).header("Authorization", basic()).GET().build());
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Authorization", basic())
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    public HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).header("Authorization", basic()).DELETE().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        for (ServerProcess p : new ServerProcess[]{builder, onetrigger, dispatcher, gateway}) {
            if (p != null) {
                p.stop();
            }
        }
        archives.values().forEach(ClassArchive::keep);
        minio.stop();
        nats.stop();
    }

    private ServerProcess startService(String name, String module, int port, Map<String, String> settings) {
        Path jar = Binaries.repositoryRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw package)");
        }
        StringBuilder properties = new StringBuilder()
                .append("quarkus.http.port=")
                .append(port)
                .append('\n')
                .append("wharf.nats.url=")
                .append(nats.serviceUrl())
                .append('\n')
                .append("wharf.nats.user=")
                .append(name)
                .append('\n')
                .append("wharf.nats.password=")
                .append(nats.password(name))
                .append('\n')
                .append(name.equals("builder") ? "" : "wharf.secrets.key=" + WharfTestResource.SECRETS_KEY + "\n");
        if (!name.equals("onetrigger") && !name.equals("builder")) {
            // onetrigger and the build service never touch the platform's MinIO
            properties.append("wharf.storage.endpoint=").append(minio.endpoint()).append('\n');
        }
        if (name.equals("gateway")) {
            // only the gateway holds MinIO's root keys: it issues users' and functions' own
            properties.append("wharf.storage.access-key=")
                    .append(MinioServer.ACCESS_KEY)
                    .append('\n')
                    .append("wharf.storage.secret-key=")
                    .append(MinioServer.SECRET_KEY)
                    .append('\n')
                    .append("wharf.storage.fast-notification-arn=")
                    .append(MinioServer.FAST_WEBHOOK_ARN)
                    .append('\n');
        }
        settings.forEach((k, v) -> properties.append(k).append('=').append(v).append('\n'));
        Path config = dir.resolve(name + ".properties");
        try {
            Files.writeString(config, properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the Podman configuration ./wharf uses (runc, cgroupfs), unless the caller chose another
        Map<String, String> env = System.getenv().containsKey("CONTAINERS_CONF")
                ? Map.of()
                : Map.of("CONTAINERS_CONF", Binaries.repositoryRoot().resolve("etc/containers.conf").toString());
        // the JVM options ./wharf up and the Kubernetes Deployments use, and a class archive as ./wharf up keeps one
        // (docs/adr/0013-native-image-and-jvm-tuning.md)
        List<String> command = new ArrayList<>(List.of(java, "@" + Binaries.repositoryRoot()
                .resolve("etc/jvm.options")));
        ClassArchive archive = ClassArchive.of(name, jar);
        archives.put(name, archive);
        command.addAll(archive.options());
        command.addAll(List.of("-Dquarkus.config.locations=file:" + config, "-jar", jar.toString()));
        return new ServerProcess(name, command, env, port, dir.resolve(name + ".log")).start(Duration.ofSeconds(90));
    }
}
