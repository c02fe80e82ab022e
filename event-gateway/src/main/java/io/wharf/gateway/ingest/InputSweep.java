package io.wharf.gateway.ingest;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
import io.wharf.jetstream.SweepMemory;
import io.wharf.jetstream.SweepMemory.Cursor;

/**
 * Finds objects whose event was lost (MinIO restarted without its queue, a rule missing for a while, a webhook
 * misconfigured) and starts them. For every object of a function's input folders older than {@code sweep-grace},
 * stored since the folder became the function's input, that has no execution, it publishes the envelope its
 * notification would have made: the same id (function, uid, bucket, key, ETag), so JetStream drops it if the
 * notification's envelope is still queued, and the dispatcher finds the execution if it ran. The sweep therefore never
 * causes a second execution; an execution whose record its owner deleted is remembered ({@link SweepMemory}) and not
 * started again.
 * <p>
 * Every {@code wharf.gateway.sweep-interval} a round looks at the next {@code sweep-batch} objects of each folder,
 * resuming after the last key the previous round saw and starting over at the folder's end: a round costs the same
 * however large a bucket grows. When asked ({@code /system/sweep/<fn>}) it looks at whole folders at once.
 */
@ApplicationScoped
public class InputSweep {

    private static final Logger LOG = Logger.getLogger(InputSweep.class);

    private final FunctionStore functions;
    private final ExecutionStore executions;
    private final SweepMemory memory;
    private final EnvelopeFactory envelopes;
    private final Publisher publisher;
    private final MinioClient minio;
    private final GatewayConfig.Gateway config;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-input-sweep");
        t.setDaemon(true);
        return t;
    });

    public InputSweep(FunctionStore functions, ExecutionStore executions, SweepMemory memory,
            EnvelopeFactory envelopes, Publisher publisher, GatewayConfig config, MinioClient minio) {
        this.functions = functions;
        this.executions = executions;
        this.memory = memory;
        this.envelopes = envelopes;
        this.publisher = publisher;
        this.config = config.gateway();
        this.minio = minio;
    }

    void start(@Observes StartupEvent event) {
        long interval = config.sweepInterval().toMillis();
        if (interval > 0) {
            timer.scheduleWithFixedDelay(this::roundQuietly, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /**
     * Notes when each of the function's input folders became its input (now, for a folder it did not have): objects
     * stored before are not the function's to process.
     */
    public void register(FunctionDefinition fn) {
        try {
            for (StorageIO in : sweptInputs(fn)) {
                cursor(fn, in);
            }
        } catch (RuntimeException e) {
            // the function is stored: its first sweep round notes the folders instead, a little later
            LOG.warnf("function=%s input folders not noted for the sweep yet: %s", fn.name(), e.getMessage());
        }
    }

    private void roundQuietly() {
        int started = 0;
        try {
            started = round();
        } catch (RuntimeException e) {
            LOG.warnf("input sweep failed (%s); the next round tries again", e.getMessage());
        }
        if (started > 0) {
            LOG.infof("sweep started %d object(s) whose events were lost", started);
        }
    }

    /**
     * One round of the periodic sweep: the next {@code sweep-batch} objects of every function's input folders.
     *
     * @return how many objects were started
     */
    public int round() {
        int started = 0;
        for (FunctionDefinition fn : functions.list()) {
            for (StorageIO in : sweptInputs(fn)) {
                try {
                    started += resume(fn, in);
                } catch (RuntimeException e) {
                    LOG.warnf("function=%s input sweep of %s failed (%s); the next round tries again", fn.name(),
                            folder(in), e.getMessage());
                }
            }
        }
        return started;
    }

    private int resume(FunctionDefinition fn, StorageIO in) {
        Cursor cursor = cursor(fn, in);
        Instant settled = Instant.now().minus(config.sweepGrace());
        int started = 0;
        int seen = 0;
        String last = "";
        for (Item item : list(in, cursor.after(), config.sweepBatch())) {
            seen++;
            last = item.objectName();
            Optional<Envelope> lost = lost(fn, in, item, cursor, settled);
            if (lost.isPresent()) {
                publisher.publishEnvelope(lost.get());
                started++;
            }
        }
        // a short page is the folder's end: the next round starts over
        memory.save(fn.name(), folder(in), cursor.resumingAfter(seen < config.sweepBatch() ? "" : last));
        return started;
    }

    /**
     * The objects of the function's input folders that were lost; started unless {@code dryRun}.
     *
     * @return their keys, as {@code bucket/key}
     */
    public List<String> sweep(FunctionDefinition fn, boolean dryRun) {
        List<String> found = new ArrayList<>();
        Instant settled = Instant.now().minus(config.sweepGrace());
        for (StorageIO in : sweptInputs(fn)) {
            Cursor cursor = cursor(fn, in);
            for (Item item : list(in, "", Integer.MAX_VALUE)) {
                Optional<Envelope> lost = lost(fn, in, item, cursor, settled);
                if (lost.isPresent()) {
                    found.add(in.bucket() + "/" + item.objectName());
                    if (!dryRun) {
                        publisher.publishEnvelope(lost.get());
                    }
                }
            }
        }
        return found;
    }

    /** The envelope of an object of the function's input that has not run and should have; empty otherwise. */
    private Optional<Envelope> lost(FunctionDefinition fn, StorageIO in, Item item, Cursor cursor, Instant settled) {
        String key = item.objectName();
        if (item.isDir() || key.endsWith("/") || !FunctionRegistry.accepts(in, in.bucket(), key)
                || item.lastModified() == null) {
            return Optional.empty();
        }
        Instant modified = item.lastModified().toInstant();
        // S3 keeps modification times to the second at worst: an object of the second the folder was added counts
        if (modified.isAfter(settled) || modified.isBefore(cursor.since().truncatedTo(ChronoUnit.SECONDS))) {
            return Optional.empty();
        }
        try {
            ObjectKeys.fileName(key);
        } catch (UnsafeKeyException e) {
            return Optional.empty(); // its notification was dead-lettered with the reason
        }
        Envelope envelope = envelopes.forObject(fn, objectEvent(in.bucket(), item));
        String executionId = EnvelopeIds.executionId(fn.name(), envelope.id());
        if (executions.get(fn.name(), executionId).isPresent() || memory.wasRemoved(fn.name(), executionId)) {
            return Optional.empty();
        }
        return Optional.of(envelope);
    }

    /** The folder's cursor; a folder without one (of this function) is the function's from now on. */
    private Cursor cursor(FunctionDefinition fn, StorageIO in) {
        Optional<Cursor> stored = memory.cursor(fn.name(), folder(in)).filter(c -> Objects.equals(c.uid(), fn.uid()));
        if (stored.isPresent()) {
            return stored.get();
        }
        Cursor fresh = Cursor.startingAt(fn.uid(), Instant.now());
        memory.save(fn.name(), folder(in), fresh);
        return fresh;
    }

    private static List<StorageIO> sweptInputs(FunctionDefinition fn) {
        return fn.input().stream().filter(in -> in.provider().isPlatformMinio()).toList();
    }

    private static String folder(StorageIO in) {
        return in.bucket() + "/" + Locations.folder(in);
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

    /** Up to {@code limit} objects of the input folder, in key order, after {@code after} (from the first if empty). */
    private List<Item> list(StorageIO in, String after, int limit) {
        List<Item> items = new ArrayList<>();
        String prefix = Locations.folder(in);
        ListObjectsArgs.Builder args = ListObjectsArgs.builder()
                .bucket(in.bucket())
                .prefix(prefix)
                .recursive(true)
                .includeUserMetadata(true)
                .maxKeys(Math.min(limit, 1000));
        if (!after.isEmpty()) {
            args.startAfter(after);
        }
        try {
            for (Result<Item> result : minio.listObjects(args.build())) {
                if (items.size() == limit) {
                    break;
                }
                items.add(result.get());
            }
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot list " + in.bucket() + "/" + prefix + ": " + e.getMessage(), e);
        }
        return items;
    }
}
