package io.wharf.jetstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.nats.client.Connection;
import io.wharf.contracts.Names;

/** Execution logs in the {@value Names#LOGS_BUCKET} object store, one object per execution id. */
public final class LogStore {

    private final StoredObjects logs;

    public LogStore(Connection connection) {
        this.logs = new StoredObjects(connection, Names.LOGS_BUCKET, "log");
    }

    public void put(String executionId, Path logFile) {
        try {
            logs.put(executionId, Files.newInputStream(logFile));
        } catch (IOException e) {
            throw new StoreException("cannot read the log of " + executionId + " from " + logFile, e);
        }
    }

    public Optional<byte[]> get(String executionId) {
        return logs.get(executionId);
    }

    public void delete(String executionId) {
        logs.delete(executionId);
    }
}
