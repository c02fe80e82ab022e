package io.wharf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a real nats-server and a real MinIO for a Quarkus test, and points the application at them. MinIO sends its
 * bucket notifications to the application's test port ({@code /events/minio}, webhook target) and to
 * {@code wharf.ingest.minio} (NATS target). Use with {@code @WithTestResource(WharfTestResource.class)}; the servers
 * are reachable from the test through {@link #nats()} and {@link #minio()}.
 */
public class WharfTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String WEBHOOK_TOKEN = "test-webhook-token";
    public static final String ONETRIGGER_TOKEN = "test-onetrigger-token";
    public static final String USER = "wharf";
    public static final String PASSWORD = "test-password";
    public static final String OTHER_USER = "other";
    public static final String OTHER_PASSWORD = "other-password";
    /** The secrets key of the services under test (base64 of 32 bytes). */
    public static final String SECRETS_KEY = "d2hhcmYtdGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcyE=";

    /** Init argument naming the service under test ({@code gateway}, the default, or {@code dispatcher}). */
    public static final String SERVICE = "service";

    private static NatsServer nats;
    private static MinioServer minio;
    private String service = "gateway";

    @Override
    public void init(Map<String, String> initArgs) {
        service = initArgs.getOrDefault(SERVICE, service);
    }

    @Override
    public Map<String, String> start() {
        Path dir;
        try {
            // readable by others: the process executor runs scripts as an unprivileged user inside this folder
            dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "wharf-servers-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int httpPort = FreePorts.next();
        nats = new NatsServer(dir.resolve("nats")).start();
        minio = new MinioServer(dir.resolve("minio"))
                .withWebhook("http://127.0.0.1:" + httpPort + "/events/minio", WEBHOOK_TOKEN)
                .withNats(nats, "wharf.ingest.minio")
                .start();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.http.test-port", Integer.toString(httpPort));
        if (service.equals("gateway")) {
            config.put("wharf.nats.url", nats.serviceUrl());
            config.put("wharf.nats.user", "gateway");
            config.put("wharf.nats.password", nats.password("gateway"));
        } else {
            // the dispatcher alone: no gateway creates the topology, so it runs as admin and creates it itself
            // (the end-to-end tests run it with its own user, beside a gateway)
            config.put("wharf.nats.url", nats.url());
        }
        config.put("wharf.storage.endpoint", minio.endpoint());
        config.put("wharf.secrets.key", SECRETS_KEY);
        if (service.equals("gateway")) {
            // only the gateway holds MinIO's root keys (it issues users' and functions' own)
            config.put("wharf.storage.access-key", MinioServer.ACCESS_KEY);
            config.put("wharf.storage.secret-key", MinioServer.SECRET_KEY);
            config.put("wharf.gateway.webhook-token", WEBHOOK_TOKEN);
            config.put("wharf.gateway.onetrigger-token", ONETRIGGER_TOKEN);
            config.put("wharf.storage.fast-notification-arn", MinioServer.FAST_WEBHOOK_ARN);
            config.put("wharf.gateway.users." + USER, PASSWORD);
            config.put("wharf.gateway.users." + OTHER_USER, OTHER_PASSWORD);
            config.put("wharf.gateway.operators", USER);
        } else {
            config.put("wharf.dispatcher.work-dir", dir.resolve("executions").toString());
        }
        return config;
    }

    @Override
    public void stop() {
        if (minio != null) {
            minio.stop();
        }
        if (nats != null) {
            nats.stop();
        }
    }

    public static NatsServer nats() {
        return nats;
    }

    public static MinioServer minio() {
        return minio;
    }
}
