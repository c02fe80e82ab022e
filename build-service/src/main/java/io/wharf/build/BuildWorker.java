package io.wharf.build;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.quarkus.runtime.StartupEvent;
import io.wharf.build.context.BuildContext;
import io.wharf.build.context.Containerfiles;
import io.wharf.build.context.ContextArchives;
import io.wharf.build.context.Limits;
import io.wharf.contracts.Names;
import io.wharf.contracts.build.BuildRecord;
import io.wharf.jetstream.BuildStore;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.Publisher;
import io.wharf.jetstream.PullLoop;
import io.wharf.jetstream.StoreException;
import io.wharf.jetstream.Versioned;

/**
 * Carries out the builds asked for on {@code wharf.builds.<id>}, {@code concurrency} at a time, through the shared
 * {@link PullLoop}: the record turns Running (compare-and-set: one worker per build), the context is unpacked into a
 * folder of its own, the engine builds it, the log is stored, the record turns Succeeded (with the image's digest) or
 * Failed (with why), and the message is acked last. A service that stops mid-build leaves the message unacked: the
 * build starts again (its record's attempt counts up).
 */
@ApplicationScoped
public class BuildWorker {

    private static final Logger LOG = Logger.getLogger(BuildWorker.class);
    static final String CONSUMER = "wharf-builder";
    private static final Duration ACK_WAIT = Duration.ofSeconds(60);
    private static final Duration HEARTBEAT = Duration.ofSeconds(20);
    /** A build's folder: its id and attempt. */
    private static final java.util.regex.Pattern BUILD_FOLDER = java.util.regex.Pattern.compile("[0-9a-f]{16}-[0-9]+");
    /** How often the removal of a deleted build's image is tried while it cannot be carried out yet. */
    private static final int REMOVAL_TRIES = 6;

    private final Connection connection;
    private final BuildStore store;
    private final BuildConfig.Build config;
    private final Builder builder;
    private final Path workDir;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-build-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private PullLoop loop;

    public BuildWorker(Connection connection, BuildConfig config, Builder builder) {
        this.connection = connection;
        this.store = new BuildStore(connection);
        this.config = config.build();
        this.builder = builder;
        this.workDir = config.build()
                .workDir()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "wharf-builds"));
    }

    void start(@Observes StartupEvent event) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        // folders left by a run of this service that stopped mid-build (named as it names them, nothing else in the
        // folder is touched): what they still run is stopped first
        try (var left = Files.list(workDir)) {
            for (Path dir : left.filter(d -> BUILD_FOLDER.matcher(d.getFileName().toString()).matches()).toList()) {
                LOG.infof("removing %s, left by a previous run", dir.getFileName());
                builder.release(dir);
            }
        }
        ConsumerConfiguration consumer = ConsumerConfiguration.builder()
                .durable(CONSUMER)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(ACK_WAIT)
                .maxAckPending(Math.max(1, config.concurrency()))
                .build();
        loop = PullLoop.start(connection, Names.BUILDS_STREAM, consumer, Math.max(1, config.concurrency()),
                Executors.newFixedThreadPool(Math.max(1, config.concurrency()), r -> {
                    Thread t = new Thread(r, "wharf-build");
                    t.setDaemon(true);
                    return t;
                }), this::handle);
        LOG.infof("building with %s, %d at a time", config.executor(), config.concurrency());
    }

    /** Whether the pull loop runs and reaches NATS. */
    public boolean isHealthy() {
        return loop != null && loop.isHealthy();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
        heartbeats.shutdownNow();
    }

    void handle(Message message) {
        String id = new String(message.getData(), java.nio.charset.StandardCharsets.UTF_8);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                message.inProgress();
            } catch (RuntimeException e) {
                // NATS away for a moment: the next beat tries again (a failed beat must not end the beating)
                LOG.debugf("build=%s heartbeat: %s", id, e.getMessage());
            }
        }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (id.startsWith(Publisher.REMOVE)) {
                String image = id.substring(Publisher.REMOVE.length());
                if (!remove(image) && message.metaData().deliveredCount() < REMOVAL_TRIES) {
                    message.nakWithDelay(Duration.ofSeconds(10));
                    return;
                }
            } else {
                build(id);
            }
            message.ack();
        } catch (StoreException e) {
            LOG.warnf("build=%s: %s; it is tried again", id, e.getMessage());
            message.nakWithDelay(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            message.nak();
        } finally {
            heartbeat.cancel(false);
        }
    }

    /**
     * A deleted build's image goes, once no record of that build is left (the gateway deletes the record right after
     * asking).
     *
     * @return whether it is done: {@code false} to be tried again later (the record is still there, or the engine
     *         refused, e.g. while a container still runs on the image)
     */
    private boolean remove(String image) throws InterruptedException {
        if (store.get(BuildRecord.idOfImage(image)).isPresent()) {
            LOG.infof("not removing %s yet: its build is still recorded", image);
            return false;
        }
        try {
            return builder.remove(image);
        } catch (IOException e) {
            LOG.warnf("the image %s of a deleted build is kept for now: %s", image, e.getMessage());
            return false;
        }
    }

    private void build(String id) throws InterruptedException {
        Optional<Versioned<BuildRecord>> found = store.get(id);
        if (found.isEmpty() || found.get().value().isFinal()) {
            return;
        }
        BuildRecord running = found.get().value().running(clock.instant());
        long revision;
        try {
            revision = store.update(running, found.get().revision());
        } catch (ConflictException e) {
            LOG.debugf("build=%s changed meanwhile; the newer request carries on", id);
            return;
        }
        Path dir = workDir.resolve(id + "-" + running.attempt());
        Path log = dir.resolve("build.log");
        BuildRecord outcome;
        try {
            builder.release(dir);
            Files.createDirectories(dir);
            BuildContext context = ContextArchives.read(store.context(id)
                    .orElseThrow(() -> new IOException("its context is not stored")), running.dockerfilePath(),
                    Limits.DEFAULT);
            // checked on the gateway; checked again here, where it is carried out
            Containerfiles.baseImages(context.containerfile(), "dockerfile");
            LOG.infof("build=%s of %s started (attempt %d)", id, running.owner(), running.attempt());
            Builder.Outcome built = builder.build(running, context, dir, log);
            outcome = built.succeeded()
                    ? running.succeeded(built.digest(), clock.instant())
                    : running.failed(built.failure(), clock.instant());
        } catch (StoreException e) {
            throw e; // NATS away: the request comes again, the build is not failed for it
        } catch (IOException | RuntimeException e) {
            outcome = running.failed("cannot build: " + e.getMessage(), clock.instant());
        }
        storeLog(id, log);
        try {
            store.update(outcome, revision);
        } catch (ConflictException e) {
            LOG.warnf("build=%s changed while it was built; its outcome is not recorded", id);
        }
        LOG.infof("build=%s %s%s", id, outcome.state(), outcome.error() == null ? "" : ": " + outcome.error());
        try {
            builder.release(dir);
        } catch (IOException e) {
            LOG.warnf("build=%s: its folder %s is left: %s", id, dir, e.getMessage());
        }
    }

    /** Keeps the end of the log, up to the configured size. */
    private void storeLog(String id, Path log) {
        try {
            byte[] bytes = Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
            if (bytes.length > config.maxLogBytes()) {
                bytes = java.util.Arrays.copyOfRange(bytes, bytes.length - config.maxLogBytes(), bytes.length);
            }
            store.putLog(id, new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            LOG.warnf("build=%s: its log cannot be read: %s", id, e.getMessage());
        }
    }
}
