package io.wharf.jetstream;

import io.nats.client.JetStreamApiException;

/** Classifies JetStream API errors by their error code (not by message text, which changes between releases). */
public final class JetStreamErrors {

    /** "stream not found". */
    public static final int STREAM_NOT_FOUND = 10059;
    /** "wrong last sequence": a KV create found the key, or a KV update lost a race. */
    public static final int WRONG_LAST_SEQUENCE = 10071;
    /** "consumer not found". */
    public static final int CONSUMER_NOT_FOUND = 10014;

    private JetStreamErrors() {
    }

    public static boolean isRevisionConflict(JetStreamApiException e) {
        return e.getApiErrorCode() == WRONG_LAST_SEQUENCE;
    }

    public static boolean isStreamNotFound(JetStreamApiException e) {
        return e.getApiErrorCode() == STREAM_NOT_FOUND;
    }

    /** Whether a retry may succeed: a server-side hiccup (5xx, timeouts) rather than a refusal of the request. */
    public static boolean isRetryable(JetStreamApiException e) {
        return e.getErrorCode() >= 500 || e.getErrorCode() == 408;
    }
}
