package io.wharf.jetstream;

/** JetStream could not be reached or refused an operation; the caller decides whether to retry. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
