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

    /** Stores the log of a running execution as it is so far: its last {@code maxBytes} bytes. */
    public void putTail(String executionId, Path logFile, long maxBytes) {
        try (java.nio.channels.SeekableByteChannel channel = Files.newByteChannel(logFile)) {
            long size = channel.size();
            channel.position(Math.max(0, size - maxBytes));
            logs.put(executionId, java.nio.channels.Channels.newInputStream(channel));
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
