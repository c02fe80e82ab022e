package io.wharf.jetstream;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.wharf.contracts.Names;

/**
 * Creates (or brings up to date) the streams, buckets and object store the services share. Every service calls
 * {@link #ensure} at start-up, so any of them may start first; the calls are idempotent.
 */
public final class Topology {

    private static final Logger LOG = Logger.getLogger(Topology.class);
    private static final Duration AWAIT_INTERVAL = Duration.ofSeconds(1);

    private Topology() {
    }

    /**
     * @param duplicateWindow how long JetStream remembers an envelope id to drop a second publish of it
     * @param replicas stream and bucket replicas (1 on one machine, 3 in a cluster)
     */
    public static void ensure(Connection connection, Duration duplicateWindow, int replicas) {
        ensure(connection, duplicateWindow, replicas, Duration.ofDays(30));
    }

    /** @param dlqRetention how long a dead letter is kept (to be looked at and replayed) */
    public static void ensure(Connection connection, Duration duplicateWindow, int replicas, Duration dlqRetention) {
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            ensureStream(jsm, stream(Names.EVENTS_STREAM, RetentionPolicy.WorkQueue, null, replicas)
                    .subjects(Names.eventsWildcard())
                    .duplicateWindow(duplicateWindow)
                    .build());
            ensureStream(jsm, stream(Names.INGEST_STREAM, RetentionPolicy.WorkQueue, null, replicas)
                    .subjects(List.of(Names.INGEST_MINIO_SUBJECT, Names.invokeWildcard()))
                    .duplicateWindow(duplicateWindow)
                    .build());
            ensureStream(jsm, stream(Names.DLQ_STREAM, RetentionPolicy.Limits, dlqRetention, replicas)
                    .subjects(Names.dlqWildcard())
                    .build());
            ensureStream(jsm, stream(Names.EXECUTIONS_STREAM, RetentionPolicy.Limits, Duration.ofDays(7), replicas)
                    .subjects(Names.executionsWildcard())
                    .build());
            ensureStream(jsm, stream(Names.BUILDS_STREAM, RetentionPolicy.WorkQueue, null, replicas)
                    .subjects(Names.buildsSubject("*"))
                    .duplicateWindow(duplicateWindow)
                    .build());
            ensureBucket(connection, KeyValueConfiguration.builder()
                    .name(Names.FUNCTIONS_BUCKET)
                    .maxHistoryPerKey(5)
                    .storageType(StorageType.File)
                    .replicas(replicas)
                    .build());
            ensureBucket(connection, KeyValueConfiguration.builder()
                    .name(Names.EXECUTIONS_BUCKET)
                    .maxHistoryPerKey(1)
                    .storageType(StorageType.File)
                    .replicas(replicas)
                    .build());
            for (String bucket : List.of(Names.USERS_BUCKET, Names.BUCKETS_BUCKET, Names.FUNCTION_STORAGE_BUCKET,
                    Names.SWEEP_BUCKET, Names.SETTINGS_BUCKET, Names.ONEDATA_WATCHES_BUCKET,
                    Names.ONEDATA_ANNOUNCED_BUCKET, Names.ONEDATA_STATUS_BUCKET, Names.BUILDS_BUCKET)) {
                ensureBucket(connection, KeyValueConfiguration.builder()
                        .name(bucket)
                        .maxHistoryPerKey(1)
                        .storageType(StorageType.File)
                        .replicas(replicas)
                        .build());
            }
            ensureBucket(connection, KeyValueConfiguration.builder()
                    .name(Names.CAPACITY_BUCKET)
                    .maxHistoryPerKey(1)
                    .ttl(Names.CAPACITY_TTL)
                    .storageType(StorageType.Memory)
                    .replicas(replicas)
                    .build());
            ensureObjectStore(connection, ObjectStoreConfiguration.builder(Names.RESPONSES_BUCKET)
                    .storageType(StorageType.File)
                    .ttl(Names.RESPONSES_TTL)
                    .replicas(replicas)
                    .build());
            ensureObjectStore(connection, ObjectStoreConfiguration.builder(Names.BUILD_FILES_BUCKET)
                    .storageType(StorageType.File)
                    .replicas(replicas)
                    .build());
            ensureObjectStore(connection, ObjectStoreConfiguration.builder(Names.LOGS_BUCKET)
                    .storageType(StorageType.File)
                    .replicas(replicas)
                    .build());
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot set up the JetStream topology: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the topology exists, for a service whose NATS user may not create it: the gateway creates it when
     * it starts. Checks the last thing {@link #ensure} creates, and the last bucket added to it (after an upgrade, the
     * old topology may be there without it until the new gateway has started).
     */
    public static void await(Connection connection) {
        for (int attempt = 1;; attempt++) {
            try {
                connection.jetStreamManagement().getStreamInfo("OBJ_" + Names.LOGS_BUCKET);
                connection.jetStreamManagement().getStreamInfo("KV_" + Names.ONEDATA_STATUS_BUCKET);
                return;
            } catch (IOException | JetStreamApiException e) {
                LOG.debugf("the topology is not there yet: %s", e.getMessage());
            }
            if (attempt % 10 == 1) {
                LOG.infof("waiting for the gateway to create the JetStream topology (attempt %d)", attempt);
            }
            try {
                Thread.sleep(AWAIT_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for the JetStream topology", e);
            }
        }
    }

    /** A file-backed stream; {@code maxAge} null keeps messages until they are consumed or deleted. */
    private static StreamConfiguration.Builder stream(String name, RetentionPolicy retention, Duration maxAge,
            int replicas) {
        StreamConfiguration.Builder builder = StreamConfiguration.builder()
                .name(name)
                .retentionPolicy(retention)
                .storageType(StorageType.File)
                .replicas(replicas);
        return maxAge == null ? builder : builder.maxAge(maxAge);
    }

    private static void ensureStream(JetStreamManagement jsm, StreamConfiguration config)
            throws IOException, JetStreamApiException {
        try {
            jsm.getStreamInfo(config.getName());
            jsm.updateStream(config);
        } catch (JetStreamApiException e) {
            if (!JetStreamErrors.isStreamNotFound(e)) {
                throw e;
            }
            jsm.addStream(config);
            LOG.infof("created stream %s", config.getName());
        }
    }

    private static void ensureBucket(Connection connection, KeyValueConfiguration config)
            throws IOException, JetStreamApiException {
        if (!connection.keyValueManagement().getBucketNames().contains(config.getBucketName())) {
            connection.keyValueManagement().create(config);
            LOG.infof("created key-value bucket %s", config.getBucketName());
        }
    }

    private static void ensureObjectStore(Connection connection, ObjectStoreConfiguration config)
            throws IOException, JetStreamApiException {
        if (!connection.objectStoreManagement().getBucketNames().contains(config.getBucketName())) {
            connection.objectStoreManagement().create(config);
            LOG.infof("created object store %s", config.getBucketName());
        }
    }
}
