package io.wharf.e2e;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.awaitility.Awaitility;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.wharf.contracts.Names;
import io.wharf.contracts.execution.ExecutionRecordCodec;
import io.wharf.contracts.execution.ExecutionState;

/**
 * For benchmarks: when each execution of a function was stored as succeeded, seen through a watch of the
 * {@code wharf-executions} bucket (as the gateway's {@code /run} sees it), instead of polling the API, which would load
 * the platform being measured.
 */
final class SucceededWatch implements AutoCloseable {

    private final Connection connection;
    private final Map<String, Long> succeededAt = new ConcurrentHashMap<>();

    SucceededWatch(String natsUrl, String function) throws Exception {
        this.connection = Nats.connect(natsUrl);
        KeyValue bucket = connection.keyValue(Names.EXECUTIONS_BUCKET);
        bucket.watch(function + ".*", new KeyValueWatcher() {

            @Override
            public void watch(KeyValueEntry entry) {
                if (entry.getOperation() == KeyValueOperation.PUT && ExecutionRecordCodec.decode(entry.getValue())
                        .state() == ExecutionState.SUCCEEDED) {
                    succeededAt.putIfAbsent(entry.getKey().substring(function.length() + 1), System.nanoTime());
                }
            }

            @Override
            public void endOfData() {
            }
        });
    }

    /**
     * Waits until the execution has succeeded; returns {@link System#nanoTime()} when the watch saw it (the time is the
     * watch's, so how often the wait looks does not change the figure).
     */
    long await(String executionId, Duration atMost) {
        Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(1))
                .until(() -> succeededAt.containsKey(executionId));
        return succeededAt.get(executionId);
    }

    /** How many executions have succeeded. */
    int count() {
        return succeededAt.size();
    }

    @Override
    public void close() throws InterruptedException {
        connection.close();
    }
}
