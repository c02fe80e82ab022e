package io.wharf.jetstream;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.wharf.contracts.Names;

/** The dead letters of the {@value Names#DLQ_STREAM} stream, one function's at a time, by stream sequence. */
public final class DeadLetterStore {

    private final JetStreamManagement jsm;

    public DeadLetterStore(Connection connection) {
        try {
            this.jsm = connection.jetStreamManagement();
        } catch (IOException e) {
            throw new StoreException("cannot open JetStream management", e);
        }
    }

    /** A dead letter: why, when, from where, and the message as it was. */
    public record DeadLetter(long sequence, String function, String reason, String detail, String originalSubject,
            Instant time, byte[] payload) {
    }

    /** The function's dead letters, oldest first, at most {@code limit} from {@code afterSequence} on. */
    public List<DeadLetter> list(String function, long afterSequence, int limit) {
        List<DeadLetter> letters = new ArrayList<>();
        long next = afterSequence + 1;
        while (letters.size() < limit) {
            MessageInfo m;
            try {
                m = jsm.getNextMessage(Names.DLQ_STREAM, next, Names.dlqSubject(function));
            } catch (JetStreamApiException e) {
                break; // no further message on the subject
            } catch (IOException e) {
                throw new StoreException("cannot read " + Names.DLQ_STREAM, e);
            }
            if (m == null) {
                break;
            }
            letters.add(of(function, m));
            next = m.getSeq() + 1;
        }
        return letters;
    }

    public Optional<DeadLetter> get(String function, long sequence) {
        try {
            MessageInfo m = jsm.getMessage(Names.DLQ_STREAM, sequence);
            return m != null && Names.dlqSubject(function).equals(m.getSubject())
                    ? Optional.of(of(function, m))
                    : Optional.empty();
        } catch (JetStreamApiException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreException("cannot read " + Names.DLQ_STREAM, e);
        }
    }

    public void delete(long sequence) {
        try {
            jsm.deleteMessage(Names.DLQ_STREAM, sequence);
        } catch (JetStreamApiException e) {
            // already gone
        } catch (IOException e) {
            throw new StoreException("cannot delete from " + Names.DLQ_STREAM, e);
        }
    }

    private static DeadLetter of(String function, MessageInfo m) {
        var h = m.getHeaders();
        return new DeadLetter(m.getSeq(), function, h == null ? null : h.getFirst(Names.Headers.REASON),
                h == null ? null : h.getFirst(Names.Headers.DETAIL),
                h == null ? null : h.getFirst(Names.Headers.ORIGINAL_SUBJECT),
                m.getTime() == null ? null : m.getTime().toInstant(), m.getData());
    }
}
