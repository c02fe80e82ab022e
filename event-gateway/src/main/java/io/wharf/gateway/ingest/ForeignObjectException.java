package io.wharf.gateway.ingest;

import io.wharf.contracts.ObjectKeys;

/** A notification posted for a function names an object outside the function's inputs; it is refused whole. */
public class ForeignObjectException extends RuntimeException {

    public ForeignObjectException(String function, String bucket, String key) {
        super("a notification posted to function '" + function + "' may name only objects in its inputs; "
                + bucket + "/" + ObjectKeys.printable(key) + " is not in one");
    }
}
