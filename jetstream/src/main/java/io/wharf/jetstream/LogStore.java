package io.wharf.jetstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.wharf.contracts.Names;

/** Execution logs in the {@value Names#LOGS_BUCKET} object store, one object per execution id. */
public final class LogStore {

    private final ObjectStore store;

    public LogStore(Connection connection) {
        try {
            this.store = connection.objectStore(Names.LOGS_BUCKET);
        } catch (IOException e) {
            throw new StoreException("cannot open " + Names.LOGS_BUCKET, e);
        }
    }

    public void put(String executionId, Path logFile) {
        try (InputStream in = Files.newInputStream(logFile)) {
            store.put(executionId, in);
        } catch (IOException | JetStreamApiException | java.security.NoSuchAlgorithmException e) {
            throw new StoreException("cannot store the log of " + executionId, e);
        }
    }

    public Optional<byte[]> get(String executionId) {
        try {
            ObjectInfo info = store.getInfo(executionId);
            if (info == null || info.isDeleted()) {
                return Optional.empty();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.get(executionId, out);
            return Optional.of(out.toByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted reading the log of " + executionId, e);
        } catch (Exception e) {
            throw new StoreException("cannot read the log of " + executionId, e);
        }
    }

    public void delete(String executionId) {
        try {
            ObjectInfo info = store.getInfo(executionId);
            if (info != null && !info.isDeleted()) {
                store.delete(executionId);
            }
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot delete the log of " + executionId, e);
        }
    }
}
