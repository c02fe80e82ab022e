package io.wharf.gateway.api;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.InvalidEnvelopeException;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.DeadLetterStore;
import io.wharf.jetstream.DeadLetterStore.DeadLetter;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.Publisher;
import io.wharf.jetstream.Versioned;

/**
 * Replays a dead-lettered envelope: its execution record goes back to the queue (its failures forgotten), the
 * envelope is published again under a message id of its own, and the dead letter is removed. The execution id is
 * derived from the envelope's id, so a replay is a new attempt of the same execution, never a second one.
 */
@ApplicationScoped
public class DeadLetterReplay {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplay.class);

    private final DeadLetterStore letters;
    private final ExecutionStore executions;
    private final Publisher publisher;

    public DeadLetterReplay(DeadLetterStore letters, ExecutionStore executions, Publisher publisher) {
        this.letters = letters;
        this.executions = executions;
        this.publisher = publisher;
    }

    /** Why the dead letter cannot be replayed, or {@code null} when it can. */
    public String replayable(FunctionDefinition fn, DeadLetter letter) {
        if (letter.originalSubject() == null || !letter.originalSubject().equals(Names.eventsSubject(fn.name()))) {
            return "it is not an envelope but a raw event (" + letter.reason() + "); send the event again instead";
        }
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decode(letter.payload());
        } catch (InvalidEnvelopeException e) {
            return "it is not a valid envelope: " + e.getMessage();
        }
        if (!fn.name().equals(envelope.wharffunction())) {
            return "it is an envelope of another function";
        }
        if (envelope.wharffunctionuid() != null && !envelope.wharffunctionuid().equals(fn.uid())) {
            return "it was queued for a function of this name since deleted";
        }
        return null;
    }

    /** @return the execution the replay is a new attempt of */
    public String replay(FunctionDefinition fn, DeadLetter letter) {
        Envelope envelope = EnvelopeCodec.decode(letter.payload());
        String executionId = EnvelopeIds.executionId(fn.name(), envelope.id());
        executions.get(fn.name(), executionId).ifPresent(this::requeue);
        publisher.replayEnvelope(envelope, envelope.id() + ":replay:" + letter.sequence());
        letters.delete(letter.sequence());
        LOG.infof("function=%s executionId=%s replayed from dead letter %d", fn.name(), executionId,
                letter.sequence());
        return executionId;
    }

    private void requeue(Versioned<ExecutionRecord> record) {
        if (!record.value().state().isTerminal()) {
            return;
        }
        try {
            executions.update(record.value().replayed(Instant.now()), record.revision());
        } catch (ConflictException changed) {
            throw new ApiException(409, "Conflict", "execution " + record.value().id() + " changed meanwhile; retry");
        }
    }
}
