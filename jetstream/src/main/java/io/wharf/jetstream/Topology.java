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

    private Topology() {
    }

    /**
     * @param duplicateWindow how long JetStream remembers an envelope id to drop a second publish of it
     * @param replicas stream and bucket replicas (1 on one machine, 3 in a cluster)
     */
    public static void ensure(Connection connection, Duration duplicateWindow, int replicas) {
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            // @formatter:off
            ensureStream(jsm, StreamConfiguration.builder()
                    .name(Names.EVENTS_STREAM)
                    .subjects(Names.eventsWildcard())
                    .retentionPolicy(RetentionPolicy.WorkQueue)
                    .storageType(StorageType.File)
                    .duplicateWindow(duplicateWindow)
                    .replicas(replicas)
                    .build());
            ensureStream(jsm, StreamConfiguration.builder()
                    .name(Names.INGEST_STREAM)
                    .subjects(List.of(Names.INGEST_MINIO_SUBJECT, Names.invokeWildcard()))
                    .retentionPolicy(RetentionPolicy.WorkQueue)
                    .storageType(StorageType.File)
                    .duplicateWindow(duplicateWindow)
                    .replicas(replicas)
                    .build());
            ensureStream(jsm, StreamConfiguration.builder()
                    .name(Names.DLQ_STREAM)
                    .subjects(Names.dlqWildcard())
                    .retentionPolicy(RetentionPolicy.Limits)
                    .storageType(StorageType.File)
                    .maxAge(Duration.ofDays(30))
                    .replicas(replicas)
                    .build());
            ensureStream(jsm, StreamConfiguration.builder()
                    .name(Names.EXECUTIONS_STREAM)
                    .subjects(Names.executionsWildcard())
                    .retentionPolicy(RetentionPolicy.Limits)
                    .storageType(StorageType.File)
                    .maxAge(Duration.ofDays(7))
                    .replicas(replicas)
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
            ensureObjectStore(connection, ObjectStoreConfiguration.builder(Names.LOGS_BUCKET)
                    .storageType(StorageType.File)
                    .replicas(replicas)
                    .build());
            // @formatter:on
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot set up the JetStream topology: " + e.getMessage(), e);
        }
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
