package io.wharf.jetstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.wharf.contracts.Json;

/**
 * A key-value bucket of one type of JSON value. Creates fail when the key exists and updates fail when the key
 * changed since it was read, both with {@link ConflictException}: two writers never silently overwrite each other.
 */
class TypedBucket<T> {

    private final KeyValue kv;
    private final Function<T, byte[]> encode;
    private final Function<byte[], T> decode;

    TypedBucket(KeyValue kv, Function<T, byte[]> encode, Function<byte[], T> decode) {
        this.kv = kv;
        this.encode = encode;
        this.decode = decode;
    }

    /** Opens the bucket {@code name}, whose values are {@code type} as JSON. */
    static <T> TypedBucket<T> ofJson(Connection connection, String name, Class<T> type) {
        try {
            return new TypedBucket<>(connection.keyValue(name), value -> {
                try {
                    return Json.json().writeValueAsBytes(value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, bytes -> {
                try {
                    return Json.json().readValue(bytes, type);
                } catch (IOException e) {
                    throw new UncheckedIOException("not a " + type.getSimpleName() + " in " + name, e);
                }
            });
        } catch (IOException e) {
            throw new StoreException("cannot open " + name, e);
        }
    }

    Optional<Versioned<T>> get(String key) {
        try {
            KeyValueEntry entry = kv.get(key);
            if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                return Optional.empty();
            }
            return Optional.of(new Versioned<>(decode.apply(entry.getValue()), entry.getRevision()));
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot read " + key + " from " + kv.getBucketName(), e);
        }
    }

    /**
     * Calls {@code onChange} with the key's value now (when it has one) and after each change; an empty value when it
     * is deleted. Calls come from the connection's dispatcher thread, in order.
     *
     * @return closing it stops the calls
     */
    AutoCloseable watch(String key, Consumer<Optional<T>> onChange) {
        try {
            NatsKeyValueWatchSubscription subscription = kv.watch(key, new KeyValueWatcher() {

                @Override
                public void watch(KeyValueEntry entry) {
                    onChange.accept(entry.getOperation() == KeyValueOperation.PUT && entry.getValue() != null
                            ? Optional.of(decode.apply(entry.getValue()))
                            : Optional.empty());
                }

                @Override
                public void endOfData() {
                    // the current value, if any, was delivered: nothing to do
                }
            });
            return subscription::unsubscribe;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted watching " + key + " in " + kv.getBucketName(), e);
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot watch " + key + " in " + kv.getBucketName(), e);
        }
    }

    long create(String key, T value) {
        try {
            return kv.create(key, encode.apply(value));
        } catch (JetStreamApiException e) {
            if (JetStreamErrors.isRevisionConflict(e)) {
                throw new ConflictException(key + " already exists in " + kv.getBucketName());
            }
            throw new StoreException("cannot create " + key + " in " + kv.getBucketName(), e);
        } catch (IOException e) {
            throw new StoreException("cannot create " + key + " in " + kv.getBucketName(), e);
        }
    }

    long update(String key, T value, long expectedRevision) {
        try {
            return kv.update(key, encode.apply(value), expectedRevision);
        } catch (JetStreamApiException e) {
            if (JetStreamErrors.isRevisionConflict(e)) {
                throw new ConflictException(key + " changed in " + kv.getBucketName() + " since revision "
                        + expectedRevision);
            }
            throw new StoreException("cannot update " + key + " in " + kv.getBucketName(), e);
        } catch (IOException e) {
            throw new StoreException("cannot update " + key + " in " + kv.getBucketName(), e);
        }
    }

    /** Writes the value whatever the key holds (for values whose last writer may win). */
    long put(String key, T value) {
        try {
            return kv.put(key, encode.apply(value));
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot write " + key + " to " + kv.getBucketName(), e);
        }
    }

    void delete(String key) {
        try {
            kv.delete(key);
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot delete " + key + " from " + kv.getBucketName(), e);
        }
    }

    /** The keys matching the NATS subject filter, sorted; no value is read. */
    List<String> keys(String filter) {
        try {
            return kv.keys(filter).stream().sorted().toList();
        } catch (IOException | JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new StoreException("cannot list " + kv.getBucketName(), e);
        }
    }

    /** Every live value whose key matches the NATS subject filter ({@code >} for all). */
    List<T> list(String filter) {
        try {
            List<T> values = new ArrayList<>();
            for (String key : kv.keys(filter)) {
                get(key).ifPresent(v -> values.add(v.value()));
            }
            return values;
        } catch (IOException | JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new StoreException("cannot list " + kv.getBucketName(), e);
        }
    }

    KeyValue keyValue() {
        return kv;
    }
}
