package io.wharf.jetstream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.wharf.contracts.Names;

/**
 * The responses of synchronous invocations in the {@value Names#RESPONSES_BUCKET} object store, one object per
 * execution id, written by the dispatcher before the execution's record turns final and read by the gateway once it
 * has; they expire after {@link Names#RESPONSES_TTL}.
 */
public final class ResponseStore {

    private final ObjectStore store;

    public ResponseStore(Connection connection) {
        try {
            this.store = connection.objectStore(Names.RESPONSES_BUCKET);
        } catch (IOException e) {
            throw new StoreException("cannot open " + Names.RESPONSES_BUCKET, e);
        }
    }

    public void put(String executionId, byte[] response) {
        try {
            store.put(executionId, new ByteArrayInputStream(response));
        } catch (IOException | JetStreamApiException | java.security.NoSuchAlgorithmException e) {
            throw new StoreException("cannot store the response of " + executionId, e);
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
            throw new StoreException("interrupted reading the response of " + executionId, e);
        } catch (Exception e) {
            throw new StoreException("cannot read the response of " + executionId, e);
        }
    }
}
