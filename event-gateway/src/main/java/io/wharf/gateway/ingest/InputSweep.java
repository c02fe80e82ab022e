package io.wharf.gateway.ingest;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.ObjectKeys;
import io.wharf.contracts.UnsafeKeyException;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.Locations;
import io.wharf.contracts.function.StorageIO;
import io.wharf.gateway.GatewayConfig;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.Publisher;

/**
 * Finds objects whose event was lost (MinIO restarted without its queue, a rule missing for a while, a webhook
 * misconfigured) and starts them. When asked, and every {@code wharf.gateway.sweep-interval} if set, it lists each
 * function's input folders
 * and, for every object older than {@code sweep-grace} without an execution, publishes the envelope its notification
 * would have made: the same id (function, uid, bucket, key, ETag), so JetStream drops it if the notification's
 * envelope is still queued, and the dispatcher finds the execution if it ran. The sweep can therefore never cause a
 * second execution.
 */
@ApplicationScoped
public class InputSweep {

    private static final Logger LOG = Logger.getLogger(InputSweep.class);

    private final FunctionStore functions;
    private final ExecutionStore executions;
    private final EnvelopeFactory envelopes;
    private final Publisher publisher;
    private final MinioClient minio;
    private final GatewayConfig.Gateway config;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-input-sweep");
        t.setDaemon(true);
        return t;
    });

    public InputSweep(FunctionStore functions, ExecutionStore executions, EnvelopeFactory envelopes,
            Publisher publisher, GatewayConfig config) {
        this.functions = functions;
        this.executions = executions;
        this.envelopes = envelopes;
        this.publisher = publisher;
        this.config = config.gateway();
        GatewayConfig.Storage s = config.storage();
        this.minio = MinioClient.builder()
                .endpoint(s.endpoint())
                .credentials(s.accessKey(), s.secretKey())
                .region(s.region())
                .build();
    }

    void start(@Observes StartupEvent event) {
        config.sweepInterval()
                .ifPresent(interval -> timer.scheduleWithFixedDelay(this::sweepQuietly,
                        interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS));
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    private void sweepQuietly() {
        int started = 0;
        try {
            for (FunctionDefinition fn : functions.list()) {
                try {
                    started += sweep(fn, false).size();
                } catch (RuntimeException e) {
                    LOG.warnf("function=%s input sweep failed (%s); the next round tries again", fn.name(),
                            e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("input sweep failed (%s); the next round tries again", e.getMessage());
        }
        if (started > 0) {
            LOG.infof("sweep started %d object(s) whose events were lost", started);
        }
    }

    /**
     * The objects of the function's input folders that have no execution and are older than the grace period;
     * started unless {@code dryRun}.
     *
     * @return their keys, as {@code bucket/key}
     */
    public List<String> sweep(FunctionDefinition fn, boolean dryRun) {
        List<String> found = new ArrayList<>();
        Instant settled = Instant.now().minus(config.sweepGrace());
        for (StorageIO in : fn.input()) {
            if (!in.provider().isPlatformMinio()) {
                continue;
            }
            for (Item item : list(in)) {
                String key = item.objectName();
                if (item.isDir() || key.endsWith("/") || !FunctionRegistry.accepts(in, in.bucket(), key)
                        || item.lastModified() == null || item.lastModified().toInstant().isAfter(settled)) {
                    continue;
                }
                try {
                    ObjectKeys.fileName(key);
                } catch (UnsafeKeyException e) {
                    continue; // its notification was dead-lettered with the reason
                }
                Envelope envelope = envelopes.forObject(fn, objectEvent(in.bucket(), item));
                if (executions.get(fn.name(), EnvelopeIds.executionId(fn.name(), envelope.id())).isPresent()) {
                    continue;
                }
                found.add(in.bucket() + "/" + key);
                if (!dryRun) {
                    publisher.publishEnvelope(envelope);
                }
            }
        }
        return found;
    }

    private static ObjectEvent objectEvent(String bucket, Item item) {
        Map<String, String> metadata = item.userMetadata();
        String producer = null;
        if (metadata != null) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey().equalsIgnoreCase("X-Amz-Meta-Wharf-Execution")) {
                    producer = e.getValue();
                }
            }
        }
        Instant time = item.lastModified().toInstant();
        String etag = item.etag() == null ? null : item.etag().replace("\"", "");
        return new ObjectEvent("s3:ObjectCreated:Put", bucket, item.objectName(), item.size(), etag, null,
                null, time, null, producer);
    }

    private List<Item> list(StorageIO in) {
        List<Item> items = new ArrayList<>();
        String prefix = Locations.folder(in);
        try {
            for (Result<Item> result : minio.listObjects(ListObjectsArgs.builder()
                    .bucket(in.bucket())
                    .prefix(prefix)
                    .recursive(true)
                    .includeUserMetadata(true)
                    .build())) {
                items.add(result.get());
            }
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot list " + in.bucket() + "/" + prefix + ": " + e.getMessage(), e);
        }
        return items;
    }
}
