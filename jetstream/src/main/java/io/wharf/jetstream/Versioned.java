package io.wharf.jetstream;

/**
 * A value read from a bucket, with the revision an update must name to succeed.
 *
 * @param value the value
 * @param revision the bucket's revision of the key when it was read
 */
public record Versioned<T>(T value, long revision) {
}
