package io.wharf.jetstream;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.KeyValueWatcher;
import io.wharf.contracts.Names;
import io.wharf.contracts.function.FunctionDefinition;

/** Function definitions, keyed by name, in the {@value Names#FUNCTIONS_BUCKET} bucket. */
public final class FunctionStore {

    private final TypedBucket<FunctionDefinition> bucket;

    public FunctionStore(Connection connection) {
        this.bucket = TypedBucket.ofJson(connection, Names.FUNCTIONS_BUCKET, FunctionDefinition.class);
    }

    public Optional<Versioned<FunctionDefinition>> get(String name) {
        return bucket.get(name);
    }

    /** @throws ConflictException when a function of that name exists */
    public void create(FunctionDefinition fn) {
        bucket.create(fn.name(), fn);
    }

    /** @throws ConflictException when the function changed since {@code revision} was read */
    public void update(FunctionDefinition fn, long revision) {
        bucket.update(fn.name(), fn, revision);
    }

    public void delete(String name) {
        bucket.delete(name);
    }

    public List<FunctionDefinition> list() {
        return bucket.list(">");
    }

    /** Calls the watcher for every function now and for every change from now on. */
    public void watch(KeyValueWatcher watcher) {
        try {
            bucket.keyValue().watchAll(watcher);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while watching " + Names.FUNCTIONS_BUCKET, e);
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot watch " + Names.FUNCTIONS_BUCKET, e);
        }
    }

}
