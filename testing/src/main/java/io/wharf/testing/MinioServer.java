package io.wharf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.minio.MinioClient;

/**
 * A real MinIO server built from source, optionally with a webhook notification target {@code WHARF} (ARN
 * {@value #WEBHOOK_ARN}) and a NATS notification target {@code WHARF} (ARN {@value #NATS_ARN}), each with a durable
 * queue folder, as {@code ./wharf up} configures it.
 */
public final class MinioServer implements AutoCloseable {

    public static final String WEBHOOK_ARN = "arn:minio:sqs::WHARF:webhook";
    public static final String FAST_WEBHOOK_ARN = "arn:minio:sqs::WHARFFAST:webhook";
    public static final String NATS_ARN = "arn:minio:sqs::WHARF:nats";
    public static final String ACCESS_KEY = "wharf-test";
    public static final String SECRET_KEY = "wharf-test-secret";

    private final Path dir;
    private final int port;
    private final Map<String, String> environment = new HashMap<>();
    private ServerProcess process;

    public MinioServer(Path dir) {
        this.dir = dir;
        this.port = FreePorts.next();
        environment.put("MINIO_ROOT_USER", ACCESS_KEY);
        environment.put("MINIO_ROOT_PASSWORD", SECRET_KEY);
        environment.put("MINIO_BROWSER", "off");
        environment.put("MINIO_UPDATE", "off");
        environment.put("MINIO_CI_CD", "1");
    }

    /**
     * Sends bucket notifications to {@code endpoint} with a bearer token, as {@code ./wharf up} configures MinIO: for ARN
     * {@value #WEBHOOK_ARN} through a durable queue folder (sent when it can be, polled every 3 s), and for ARN
     * {@value #FAST_WEBHOOK_ARN} at once, without a queue.
     */
    public MinioServer withWebhook(String endpoint, String token) {
        environment.put("MINIO_NOTIFY_WEBHOOK_ENABLE_WHARF", "on");
        environment.put("MINIO_NOTIFY_WEBHOOK_ENDPOINT_WHARF", endpoint);
        environment.put("MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_WHARF", token);
        environment.put("MINIO_NOTIFY_WEBHOOK_QUEUE_DIR_WHARF", dir.resolve("webhook-queue").toString());
        environment.put("MINIO_NOTIFY_WEBHOOK_ENABLE_WHARFFAST", "on");
        environment.put("MINIO_NOTIFY_WEBHOOK_ENDPOINT_WHARFFAST", endpoint);
        environment.put("MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_WHARFFAST", token);
        return this;
    }

    /**
     * Publishes bucket notifications for ARN {@value #NATS_ARN} to a NATS subject, through JetStream, as the NATS user
     * {@code minio}.
     */
    public MinioServer withNats(NatsServer nats, String subject) {
        environment.put("MINIO_NOTIFY_NATS_ENABLE_WHARF", "on");
        environment.put("MINIO_NOTIFY_NATS_ADDRESS_WHARF", nats.serviceUrl().replaceFirst("^nats://", ""));
        environment.put("MINIO_NOTIFY_NATS_USERNAME_WHARF", "minio");
        environment.put("MINIO_NOTIFY_NATS_PASSWORD_WHARF", nats.password("minio"));
        environment.put("MINIO_NOTIFY_NATS_SUBJECT_WHARF", subject);
        environment.put("MINIO_NOTIFY_NATS_JETSTREAM_WHARF", "on");
        environment.put("MINIO_NOTIFY_NATS_QUEUE_DIR_WHARF", dir.resolve("nats-queue").toString());
        return this;
    }

    public MinioServer start() {
        try {
            Files.createDirectories(dir.resolve("data"));
            int consolePort = FreePorts.next();
            process = new ServerProcess("minio", List.of(Binaries.minio().toString(), "server", "--quiet",
                    "--address", "127.0.0.1:" + port, "--console-address", "127.0.0.1:" + consolePort,
                    dir.resolve("data").toString()), environment, port, dir.resolve("minio.log"))
                    .start(Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A client with the root credentials. */
    public MinioClient client() {
        return MinioClient.builder().endpoint(endpoint()).credentials(ACCESS_KEY, SECRET_KEY).build();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
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
