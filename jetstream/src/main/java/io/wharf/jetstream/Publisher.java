package io.wharf.jetstream;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionRecordCodec;

/**
 * Publishes to JetStream and returns only once the stream has stored the message (the publish ack). Transient
 * failures (timeouts, 5xx) are retried with bounded exponential back-off; refusals are not.
 */
public final class Publisher {

    private static final Logger LOG = Logger.getLogger(Publisher.class);
    private static final int MAX_HEADER_CHARS = 1000;

    private final JetStream js;
    private final int maxAttempts;
    private final Duration initialBackoff;

    public Publisher(Connection connection, int maxAttempts, Duration initialBackoff) {
        try {
            this.js = connection.jetStream();
        } catch (IOException e) {
            throw new StoreException("cannot open JetStream", e);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
    }

    /**
     * Publishes an envelope to {@code wharf.events.<function>} with its id as the JetStream message id, so that a
     * second publish of the same event inside the duplicate window is dropped by the server.
     *
     * @return the ack; {@link PublishAck#isDuplicate()} tells a dropped duplicate
     */
    public PublishAck publishEnvelope(Envelope envelope) {
        return publish(Names.eventsSubject(envelope.wharffunction()), new Headers(), EnvelopeCodec.encode(envelope),
                PublishOptions.builder().messageId(envelope.id()).expectedStream(Names.EVENTS_STREAM).build());
    }

    /**
     * Asks the build service for a build on {@code wharf.builds.<id>}; the message id (the build and its attempt)
     * keeps a repeated request from starting it twice. The message holds only the build's id: the record and the
     * context are in their stores.
     */
    public PublishAck publishBuild(String subject, String messageId) {
        String id = subject.substring(subject.lastIndexOf('.') + 1);
        return publish(subject, new Headers(), id.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                PublishOptions.builder().messageId(messageId).expectedStream(Names.BUILDS_STREAM).build());
    }

    /**
     * Asks the build service to remove the image of a build that was deleted ({@code remove <image>} on the build's
     * subject): the builder removes it from the machine's store, once no record of that build is left.
     */
    public PublishAck publishBuildRemoval(String subject, String image, String messageId) {
        return publish(subject, new Headers(), (REMOVE + image).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                PublishOptions.builder().messageId(messageId).expectedStream(Names.BUILDS_STREAM).build());
    }

    /** What a build removal's body starts with; a build request's body is the build's id alone. */
    public static final String REMOVE = "remove ";

    /**
     * Publishes an envelope again, replayed from the dead-letter stream: under a message id of its own (the
     * replay), so the duplicate window does not drop it; its execution id, derived from the envelope's id, is the
     * same, so it is a new attempt of the same execution.
     */
    public PublishAck replayEnvelope(Envelope envelope, String replayId) {
        return publish(Names.eventsSubject(envelope.wharffunction()), new Headers(), EnvelopeCodec.encode(envelope),
                PublishOptions.builder().messageId(replayId).expectedStream(Names.EVENTS_STREAM).build());
    }

    /** Dead-letters a message to {@code wharf.dlq.<function>} with the reason and a detail in headers. */
    public PublishAck deadLetter(String function, String originalSubject, byte[] payload, String reason,
            String detail) {
        return deadLetter(function, originalSubject, payload, reason, detail, null);
    }

    /**
     * The same, stored once however often it is published with the same {@code messageId} within the stream's
     * duplicate window ({@code null}: no deduplication).
     */
    public PublishAck deadLetter(String function, String originalSubject, byte[] payload, String reason,
            String detail, String messageId) {
        Headers headers = new Headers()
                .put(Names.Headers.REASON, reason)
                .put(Names.Headers.DETAIL, headerSafe(detail))
                .put(Names.Headers.ORIGINAL_SUBJECT, headerSafe(originalSubject));
        PublishOptions.Builder options = PublishOptions.builder().expectedStream(Names.DLQ_STREAM);
        if (messageId != null) {
            options.messageId(messageId);
        }
        return publish(Names.dlqSubject(function), headers, payload, options.build());
    }

    /**
     * Publishes an execution's new state to {@code wharf.executions.<function>}, without waiting for the stream's ack:
     * the state is the record, stored already; this message tells watchers. Messages from one connection are stored
     * in the order they were sent; one the stream refuses or never acks, or sent while NATS is unreachable, is logged,
     * not retried (the record holds the state; a watcher reading the bucket misses nothing).
     */
    public CompletableFuture<PublishAck> publishExecution(ExecutionRecord execution) {
        String subject = Names.executionsSubject(execution.function());
        try {
            return js.publishAsync(subject, new Headers(), ExecutionRecordCodec.encode(execution),
                    PublishOptions.builder().expectedStream(Names.EXECUTIONS_STREAM).build())
                    .whenComplete((ack, failure) -> {
                        if (failure != null) {
                            notPublished(execution, subject, failure);
                        }
                    });
        } catch (RuntimeException e) {
            // the connection is closed or reconnecting: the record, stored already, is what counts
            notPublished(execution, subject, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void notPublished(ExecutionRecord execution, String subject, Throwable failure) {
        LOG.warnf("executionId=%s state %s not published to %s: %s", execution.id(), execution.state(), subject,
                failure.getMessage());
    }

    private PublishAck publish(String subject, Headers headers, byte[] payload, PublishOptions options) {
        Duration backoff = initialBackoff;
        for (int attempt = 1;; attempt++) {
            try {
                return js.publish(subject, headers, payload, options);
            } catch (JetStreamApiException e) {
                if (!JetStreamErrors.isRetryable(e) || attempt >= maxAttempts) {
                    throw new StoreException("publish to " + subject + " refused: " + e.getMessage(), e);
                }
                LOG.warnf("publish to %s failed (attempt %d/%d), retrying in %s: %s", subject, attempt, maxAttempts,
                        backoff, e.getMessage());
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    throw new StoreException("publish to " + subject + " failed after " + attempt + " attempts", e);
                }
                LOG.warnf("publish to %s failed (attempt %d/%d), retrying in %s: %s", subject, attempt, maxAttempts,
                        backoff, e.getMessage());
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while retrying a publish", e);
        }
    }

    /**
     * NATS header values hold printable ASCII only: line breaks become spaces, any other character outside it a
     * {@code ?} (a detail quoting a user's object key may hold anything), and long details are cut.
     */
    static String headerSafe(String value) {
        if (value == null) {
            return "";
        }
        String flat = value.replaceAll("[\\r\\n]+", " ");
        String cut = flat.length() <= MAX_HEADER_CHARS ? flat : flat.substring(0, MAX_HEADER_CHARS) + "...";
        StringBuilder safe = new StringBuilder(cut.length());
        cut.chars().forEach(c -> safe.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return safe.toString();
    }
}
