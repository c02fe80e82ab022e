package io.wharf.contracts;

/** An object key that cannot be turned into a local file name without risk; the execution must not run. */
public class UnsafeKeyException extends RuntimeException {

    public UnsafeKeyException(String key, String rule) {
        super("object key " + ObjectKeys.printable(key) + " " + rule);
    }
}
