package io.wharf.gateway.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.gateway.GatewayConfig;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.SweepMemory;
import io.wharf.jetstream.Versioned;

/**
 * Removes executions, as OSCAR removes a job: a finished one at once; an unfinished one is marked removed (hidden from
 * then on) and the dispatcher holding its envelope stops its script at its next heartbeat, or drops the envelope
 * unrun when it claims it, and removes the record for good.
 */
@ApplicationScoped
public class ExecutionRemoval {

    private static final int ATTEMPTS = 3;

    private final ExecutionStore executions;
    private final LogStore logs;
    private final SweepMemory sweep;
    private final Duration abandonedAfter;

    public ExecutionRemoval(ExecutionStore executions, LogStore logs, SweepMemory sweep, GatewayConfig config) {
        this.executions = executions;
        this.logs = logs;
        this.sweep = sweep;
        this.abandonedAfter = config.gateway().abandonedAfter();
    }

    /** @throws ApiException 409 when the record changes too fast to be marked */
    public void remove(ExecutionRecord record) {
        if (record.inputKey() != null) {
            // its object stays in the input folder: the sweep must not take it for one whose event was lost
            sweep.removed(record.function(), record.id(), Instant.now());
        }
        logs.delete(record.id());
        if (record.state().isTerminal() || isAbandoned(record)) {
            executions.delete(record.function(), record.id());
            return;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Versioned<ExecutionRecord>> current = executions.get(record.function(), record.id());
            if (current.isEmpty() || current.get().value().state().isTerminal()) {
                executions.delete(record.function(), record.id());
                return;
            }
            if (mark(current.get())) {
                // a running execution's log may have been stored again meanwhile (its live log): marked, no more is
                logs.delete(record.id());
                return;
            }
        }
        throw conflict(record.id());
    }

    /**
     * Withdraws an invocation whose caller stopped waiting ({@code POST /run}): unless it has finished, it is removed
     * like a job its owner removes; one no dispatcher has claimed yet is marked first, so that it never runs.
     *
     * @param queued the record the execution would be created with
     * @return whether it was withdrawn ({@code false}: it had finished, and stays)
     */
    public boolean withdraw(ExecutionRecord queued) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Versioned<ExecutionRecord>> current = executions.get(queued.function(), queued.id());
            if (current.isPresent() && current.get().value().state().isTerminal()) {
                return false;
            }
            if (current.isPresent() ? mark(current.get()) : markUnclaimed(queued)) {
                logs.delete(queued.id());
                return true;
            }
        }
        throw conflict(queued.id());
    }

    private boolean mark(Versioned<ExecutionRecord> current) {
        try {
            executions.update(current.value().removed(Instant.now()), current.revision());
            return true;
        } catch (ConflictException changed) {
            return false; // its dispatcher wrote meanwhile (a heartbeat): read it again
        }
    }

    private boolean markUnclaimed(ExecutionRecord queued) {
        try {
            executions.create(queued.removed(Instant.now()));
            return true;
        } catch (ConflictException claimed) {
            return false; // a dispatcher created it meanwhile: read it again
        }
    }

    /**
     * Not finished, but no dispatcher has shown a sign of life for it for {@code wharf.gateway.abandoned-after}: its
     * envelope is gone (dead-lettered, purged), and the record may be removed like a finished one.
     */
    private boolean isAbandoned(ExecutionRecord record) {
        Instant last = record.heartbeatAt() != null ? record.heartbeatAt() : record.createdAt();
        return !record.state().isTerminal() && last != null && last.isBefore(Instant.now().minus(abandonedAfter));
    }

    private static ApiException conflict(String executionId) {
        return new ApiException(409, "Conflict", "execution '" + executionId + "' changes too fast to be removed; try "
                + "again");
    }
}
