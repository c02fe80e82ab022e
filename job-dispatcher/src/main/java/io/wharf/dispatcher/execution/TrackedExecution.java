package io.wharf.dispatcher.execution;

import java.time.Instant;
import java.util.function.UnaryOperator;

import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.Publisher;

/**
 * An execution record this dispatcher owns, with the revision it last wrote: every change is a compare-and-set, so
 * a dispatcher that lost the execution to another (its heartbeat lapsed) learns it on its next write. Every change
 * of state is published on {@code wharf.executions.<function>} once stored, here and nowhere else (without waiting for
 * the stream's ack: the record is the state, stored already; the stream tells watchers); a heartbeat is stored only.
 */
final class TrackedExecution {

    private final ExecutionStore store;
    private final Publisher publisher;
    private ExecutionRecord record;
    private long revision;
    private volatile boolean cancelled;
    private volatile boolean superseded;

    private TrackedExecution(ExecutionStore store, Publisher publisher, ExecutionRecord record, long revision) {
        this.store = store;
        this.publisher = publisher;
        this.record = record;
        this.revision = revision;
    }

    /**
     * Creates the record of a new execution.
     *
     * @throws io.wharf.jetstream.ConflictException when the execution exists
     */
    static TrackedExecution create(ExecutionStore store, Publisher publisher, ExecutionRecord created) {
        TrackedExecution execution = new TrackedExecution(store, publisher, created, store.create(created));
        publisher.publishExecution(created);
        return execution;
    }

    /**
     * Takes over an existing record, read at {@code revision}, with the change a claim makes.
     *
     * @throws io.wharf.jetstream.ConflictException when the record changed since it was read
     */
    static TrackedExecution claim(ExecutionStore store, Publisher publisher, ExecutionRecord read, long revision,
            UnaryOperator<ExecutionRecord> claim) {
        TrackedExecution execution = new TrackedExecution(store, publisher, read, revision);
        execution.transition(claim);
        return execution;
    }

    /**
     * Stores a change of state and publishes it.
     *
     * @throws io.wharf.jetstream.ConflictException when another dispatcher changed the record
     */
    ExecutionRecord transition(UnaryOperator<ExecutionRecord> change) {
        ExecutionRecord next = store(change);
        publisher.publishExecution(next);
        return next;
    }

    /**
     * Renews the heartbeat (stored, not published: it changes no state).
     *
     * @throws io.wharf.jetstream.ConflictException when another dispatcher changed the record
     */
    void heartbeat(Instant now) {
        store(r -> r.heartbeat(now));
    }

    private synchronized ExecutionRecord store(UnaryOperator<ExecutionRecord> change) {
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

    /** Another dispatcher has taken the execution over (this one's lease ran out): nothing of this run is stored. */
    void supersede() {
        superseded = true;
    }

    /** Whether this run still speaks for the execution: not removed, not taken over. */
    boolean isCurrent() {
        return !cancelled && !superseded;
    }
}
