package io.wharf.jetstream;

import java.io.ByteArrayInputStream;
import java.util.Optional;

import io.nats.client.Connection;
import io.wharf.contracts.Names;

/**
 * The responses of synchronous invocations in the {@value Names#RESPONSES_BUCKET} object store, one object per
 * execution id, written by the dispatcher before the execution's record turns final and read by the gateway once it
 * has; they expire after {@link Names#RESPONSES_TTL}.
 */
public final class ResponseStore {

    private final StoredObjects responses;

    public ResponseStore(Connection connection) {
        this.responses = new StoredObjects(connection, Names.RESPONSES_BUCKET, "response");
    }

    public void put(String executionId, byte[] response) {
        responses.put(executionId, new ByteArrayInputStream(response));
    }

    public Optional<byte[]> get(String executionId) {
        return responses.get(executionId);
    }
}
