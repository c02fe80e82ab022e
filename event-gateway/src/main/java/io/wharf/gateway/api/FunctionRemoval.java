package io.wharf.gateway.api;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.PurgeOptions;
import io.wharf.contracts.Names;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.StoreException;
import io.wharf.jetstream.SweepMemory;

/**
 * What a deleted function leaves behind is removed with it, so that whoever creates the name next starts clean: its
 * queued envelopes (dispatchers cancel what they run once its record is gone), its dead letters, its execution records
 * and their logs, what the input sweep remembered of it.
 */
@ApplicationScoped
public class FunctionRemoval {

    private static final Logger LOG = Logger.getLogger(FunctionRemoval.class);

    private final Connection connection;
    private final ExecutionStore executions;
    private final LogStore logs;
    private final SweepMemory sweep;

    public FunctionRemoval(Connection connection, ExecutionStore executions, LogStore logs, SweepMemory sweep) {
        this.connection = connection;
        this.executions = executions;
        this.logs = logs;
        this.sweep = sweep;
    }

    public void removeTracesOf(String function) {
        long queued = purge(Names.EVENTS_STREAM, Names.eventsSubject(function));
        long deadLetters = purge(Names.DLQ_STREAM, Names.dlqSubject(function));
        int records = 0;
        for (ExecutionRecord record : executions.list(function)) {
            logs.delete(record.id());
            executions.delete(function, record.id());
            records++;
        }
        sweep.forget(function);
        LOG.infof("function=%s removed %d queued event(s), %d dead letter(s), %d execution(s)", function, queued,
                deadLetters, records);
    }

    private long purge(String stream, String subject) {
        try {
            return connection.jetStreamManagement()
                    .purgeStream(stream, PurgeOptions.subject(subject))
                    .getPurged();
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot purge " + subject + " from " + stream, e);
        }
    }
}
