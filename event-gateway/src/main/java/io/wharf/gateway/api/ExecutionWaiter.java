package io.wharf.gateway.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.jetstream.ExecutionStore;

/**
 * Waits, without holding a thread, for an execution to finish: it follows the execution's record (a key-value watch)
 * until the record turns final, or is removed.
 */
@ApplicationScoped
public class ExecutionWaiter {

    private static final Logger LOG = Logger.getLogger(ExecutionWaiter.class);

    private final ExecutionStore executions;

    public ExecutionWaiter(ExecutionStore executions) {
        this.executions = executions;
    }

    /**
     * @return completes with the final record, or empty when the execution was removed before it finished; fails with
     *         a {@link java.util.concurrent.TimeoutException} after {@code atMost}. Cancelling it stops the watch.
     */
    public CompletableFuture<Optional<ExecutionRecord>> finished(String function, String executionId,
            Duration atMost) {
        CompletableFuture<Optional<ExecutionRecord>> result = new CompletableFuture<>();
        AutoCloseable watch = executions.watch(function, executionId, record -> {
            if (record.isEmpty() || record.get().state() == ExecutionState.REMOVED) {
                result.complete(Optional.empty());
            } else if (record.get().state().isTerminal()) {
                result.complete(record);
            }
        });
        result.orTimeout(atMost.toMillis(), TimeUnit.MILLISECONDS).whenComplete((done, failure) -> {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debugf("executionId=%s watch not closed: %s", executionId, e.getMessage());
            }
        });
        return result;
    }
}
