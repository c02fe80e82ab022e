package io.wharf.gateway.storage;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.GetBucketNotificationArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.SetBucketNotificationArgs;
import io.minio.errors.MinioException;
import io.minio.messages.EventType;
import io.minio.messages.NotificationConfiguration;
import io.minio.messages.QueueConfiguration;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.Locations;
import io.wharf.contracts.function.StorageIO;
import io.wharf.gateway.GatewayConfig;
import io.wharf.jetstream.StoreException;

/**
 * Prepares the platform's MinIO for a function: its input and output buckets exist, and every input folder sends
 * notifications to Wharf's target (the rules always derived from the stored functions, never edited one by one). A bucket's notification rules are derived from all the functions watching it
 * (one rule per folder, none covered by another), so functions sharing a bucket never fight over its configuration
 * and MinIO never sees overlapping rules. File-name filters are applied by the gateway when it routes an event.
 */
@ApplicationScoped
public class StorageSetup {

    private static final Logger LOG = Logger.getLogger(StorageSetup.class);
    private static final List<EventType> EVENTS = List.of(EventType.OBJECT_CREATED_PUT, EventType.OBJECT_CREATED_POST,
            EventType.OBJECT_CREATED_COPY, EventType.OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD);

    private final MinioClient client;
    /** The notification targets every watched folder's rule names: the durable one, then the fast one, if any. */
    private final List<String> arns;

    public StorageSetup(GatewayConfig config, MinioClient client) {
        this.client = client;
        this.arns = Stream.concat(Stream.of(config.storage().notificationArn()),
                config.storage().fastNotificationArn().stream()).distinct().toList();
    }

    /** Creates the function's buckets that do not exist yet. */
    public void ensureBuckets(FunctionDefinition fn) {
        Stream.concat(fn.input().stream(), fn.output().stream())
                .filter(io -> io.provider().isPlatformMinio())
                .map(StorageIO::bucket)
                .distinct()
                .forEach(this::ensureBucket);
    }

    /**
     * Brings the notification rules of the buckets a function (and its previous version) watches in line with the
     * functions as stored now. Called after a change is stored, with the list read after it: whatever order two
     * changes (or two gateways) make their writes in, the last computation sees both; and the
     * {@link StorageReconciler} repeats it for every bucket, so a failure in between is repaired.
     */
    public void rulesFor(FunctionDefinition fn, FunctionDefinition previous,
            Collection<FunctionDefinition> storedFunctions) {
        reconcile(inputBuckets(fn, previous), storedFunctions);
    }

    /** Brings the notification rules of these buckets in line with the stored functions. */
    public synchronized void reconcile(Set<String> buckets, Collection<FunctionDefinition> functions) {
        for (String bucket : buckets) {
            List<String> folders = folders(bucket, functions);
            try {
                if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                    continue;
                }
                NotificationConfiguration config = client
                        .getBucketNotification(GetBucketNotificationArgs.builder().bucket(bucket).build());
                List<QueueConfiguration> queues = new ArrayList<>();
                config.queueConfigurationList()
                        .stream()
                        .filter(q -> !arns.contains(q.queue()))
                        .forEach(queues::add);
                for (String folder : folders) {
                    for (String target : arns) {
                        QueueConfiguration q = new QueueConfiguration();
                        q.setQueue(target);
                        q.setEvents(EVENTS);
                        if (!folder.isEmpty()) {
                            q.setPrefixRule(folder);
                        }
                        queues.add(q);
                    }
                }
                config.setQueueConfigurationList(queues);
                client.setBucketNotification(SetBucketNotificationArgs.builder().bucket(bucket).config(config).build());
                LOG.infof("bucket %s notifies %s for %s", bucket, arns, folders.isEmpty() ? "nothing" : folders);
            } catch (MinioException | IOException | GeneralSecurityException e) {
                throw new StoreException("cannot set the notifications of bucket " + bucket + ": " + e.getMessage(), e);
            }
        }
    }

    /** The folders of a bucket some function watches, none inside another (the outer one's rule covers it). */
    static List<String> folders(String bucket, Collection<FunctionDefinition> functions) {
        TreeSet<String> all = new TreeSet<>();
        functions.stream()
                .flatMap(f -> f.input().stream())
                .filter(in -> in.provider().isPlatformMinio() && in.bucket().equals(bucket))
                .map(Locations::folder)
                .forEach(all::add);
        List<String> minimal = new ArrayList<>();
        for (String folder : all) {
            if (minimal.stream().noneMatch(folder::startsWith)) {
                minimal.add(folder);
            }
        }
        return minimal;
    }

    static Set<String> inputBuckets(FunctionDefinition fn, FunctionDefinition previous) {
        Set<String> buckets = new TreeSet<>();
        Stream.concat(fn.input().stream(), previous == null ? Stream.empty() : previous.input().stream())
                .filter(in -> in.provider().isPlatformMinio())
                .forEach(in -> buckets.add(in.bucket()));
        return buckets;
    }

    /** Whether MinIO answers an authenticated request. */
    public boolean reachable() {
        try {
            client.listBuckets();
            return true;
        } catch (MinioException | IOException | GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether the bucket exists in the platform's MinIO. */
    public boolean bucketExists(String bucket) {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw new StoreException("cannot look up bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    private void ensureBucket(String bucket) {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                LOG.infof("created bucket %s", bucket);
            }
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw new StoreException("cannot create bucket " + bucket + ": " + e.getMessage(), e);
        }
    }
}
