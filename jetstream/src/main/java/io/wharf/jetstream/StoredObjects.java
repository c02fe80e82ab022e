package io.wharf.jetstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;

/** The objects of one JetStream object store, each written from a stream and read whole. */
final class StoredObjects {

    private final ObjectStore store;
    /** What the objects are, for errors: "log", "response". */
    private final String what;

    StoredObjects(Connection connection, String bucket, String what) {
        try {
            this.store = connection.objectStore(bucket);
        } catch (IOException e) {
            throw new StoreException("cannot open " + bucket, e);
        }
        this.what = what;
    }

    void put(String name, InputStream content) {
        try (InputStream in = content) {
            store.put(name, in);
        } catch (IOException | JetStreamApiException | java.security.NoSuchAlgorithmException e) {
            throw new StoreException("cannot store the " + what + " of " + name, e);
        }
    }

    Optional<byte[]> get(String name) {
        try {
            ObjectInfo info = store.getInfo(name);
            if (info == null || info.isDeleted()) {
                return Optional.empty();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.get(name, out);
            return Optional.of(out.toByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted reading the " + what + " of " + name, e);
        } catch (Exception e) {
            throw new StoreException("cannot read the " + what + " of " + name, e);
        }
    }

    void delete(String name) {
        try {
            ObjectInfo info = store.getInfo(name);
            if (info != null && !info.isDeleted()) {
                store.delete(name);
            }
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot delete the " + what + " of " + name, e);
        }
    }
}
