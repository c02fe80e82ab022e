/**
 * Everything the services keep lives in JetStream: envelopes and dead letters in streams, function definitions and
 * execution records in key-value buckets, execution logs in an object store. This package creates that topology and
 * gives the services typed, race-free access to it (creates and updates are compare-and-set on the revision).
 */
package io.wharf.jetstream;
