package io.wharf.jetstream;

/** A create found the key already there, or an update lost a race against another writer. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
