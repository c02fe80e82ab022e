package io.wharf.dispatcher.execution;

import java.util.function.UnaryOperator;

import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.jetstream.ExecutionStore;

/**
 * An execution record this dispatcher owns, with the revision it last wrote: every change is a compare-and-set, so
 * a dispatcher that lost the execution to another (its heartbeat lapsed) learns it on its next write.
 */
final class TrackedExecution {

    private final ExecutionStore store;
    private ExecutionRecord record;
    private long revision;
    private volatile boolean cancelled;

    TrackedExecution(ExecutionStore store, ExecutionRecord record, long revision) {
        this.store = store;
        this.record = record;
        this.revision = revision;
    }

    /** @throws io.wharf.jetstream.ConflictException when another dispatcher changed the record */
    synchronized ExecutionRecord update(UnaryOperator<ExecutionRecord> change) {
        ExecutionRecord next = change.apply(record);
        revision = store.update(next, revision);
        record = next;
        return next;
    }

    synchronized ExecutionRecord current() {
        return record;
    }

    /** The record was removed while the execution ran (its function was deleted): nothing more may be done for it. */
    void cancel() {
        cancelled = true;
    }

    boolean isCancelled() {
        return cancelled;
    }
}
