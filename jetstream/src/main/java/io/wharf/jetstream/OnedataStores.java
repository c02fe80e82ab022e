package io.wharf.jetstream;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.wharf.contracts.Hashes;
import io.wharf.contracts.Json;
import io.wharf.contracts.Names;
import io.wharf.contracts.onedata.OnedataWatch;
import io.wharf.contracts.onedata.WatchStatus;

/**
 * The three buckets of Onedata triggering: the folders each function watches ({@value Names#ONEDATA_WATCHES_BUCKET},
 * the gateway writes, onetrigger reads), what onetrigger announced ({@value Names#ONEDATA_ANNOUNCED_BUCKET}) and how
 * each watch is doing ({@value Names#ONEDATA_STATUS_BUCKET}, onetrigger writes, the gateway reads). Each party opens
 * only the buckets its NATS user may use.
 */
public final class OnedataStores {

    private OnedataStores() {
    }

    /** The watched folders, under the function's name. */
    public static final class Watches {

        private final TypedBucket<OnedataWatch> bucket;

        public Watches(Connection connection) {
            this.bucket = TypedBucket.ofJson(connection, Names.ONEDATA_WATCHES_BUCKET, OnedataWatch.class);
        }

        public Optional<OnedataWatch> get(String function) {
            return bucket.get(function).map(Versioned::value);
        }

        public void put(OnedataWatch watch) {
            bucket.put(watch.function(), watch);
        }

        public void delete(String function) {
            if (bucket.get(function).isPresent()) {
                bucket.delete(function);
            }
        }

        private static OnedataWatch read(byte[] value) {
            try {
                return Json.json().readValue(value, OnedataWatch.class);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("not a watch in " + Names.ONEDATA_WATCHES_BUCKET, e);
            }
        }

        public List<String> functions() {
            return bucket.keys(">");
        }

        /**
         * Calls {@code onChange} with every watch now and after each change (an empty value when a function's watch
         * is deleted), then {@code caughtUp} once the current ones were delivered.
         */
        public void watchAll(BiConsumer<String, Optional<OnedataWatch>> onChange, Runnable caughtUp) {
            try {
                bucket.keyValue().watchAll(new KeyValueWatcher() {

                    @Override
                    public void watch(KeyValueEntry entry) {
                        onChange.accept(entry.getKey(), entry.getOperation() == KeyValueOperation.PUT
                                && entry.getValue() != null
                                        ? Optional.of(read(entry.getValue()))
                                        : Optional.empty());
                    }

                    @Override
                    public void endOfData() {
                        caughtUp.run();
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted watching " + Names.ONEDATA_WATCHES_BUCKET, e);
            } catch (java.io.IOException | JetStreamApiException e) {
                throw new StoreException("cannot watch " + Names.ONEDATA_WATCHES_BUCKET, e);
            }
        }
    }

    /**
     * What onetrigger announced: one key per file of one incarnation of a function, so that a restart neither
     * announces a file again nor misses one.
     */
    public static final class Announced {

        private final TypedBucket<File> bucket;

        public Announced(Connection connection) {
            this.bucket = TypedBucket.ofJson(connection, Names.ONEDATA_ANNOUNCED_BUCKET, File.class);
        }

        /**
         * @param path the file's path in its space
         * @param fileId its Onedata id
         * @param at when it was announced, or (for a file that was there before the folder was watched) first seen
         * @param announced {@code false} for a file that was already there, remembered so as not to be announced
         */
        public record File(@JsonProperty("path") String path, @JsonProperty("file_id") String fileId,
                @JsonProperty("at") Instant at, @JsonProperty("announced") boolean announced) {
        }

        public boolean contains(String function, String uid, String fileId) {
            return bucket.get(key(function, uid, fileId)).isPresent();
        }

        public void remember(String function, String uid, File file) {
            bucket.put(key(function, uid, file.fileId()), file);
        }

        /** Forgets everything announced for the function, whatever its uid (it was deleted). */
        public void forget(String function) {
            bucket.keys(function + ".>").forEach(bucket::delete);
        }

        private static String key(String function, String uid, String fileId) {
            return function + "." + uid + "." + Hashes.sha256Hex(fileId).substring(0, 32);
        }
    }

    /** How each function's watch is doing, under its name. */
    public static final class Statuses {

        private final TypedBucket<WatchStatus> bucket;

        public Statuses(Connection connection) {
            this.bucket = TypedBucket.ofJson(connection, Names.ONEDATA_STATUS_BUCKET, WatchStatus.class);
        }

        public Optional<WatchStatus> get(String function) {
            return bucket.get(function).map(Versioned::value);
        }

        public void put(WatchStatus status) {
            bucket.put(status.function(), status);
        }

        public void delete(String function) {
            if (bucket.get(function).isPresent()) {
                bucket.delete(function);
            }
        }
    }
}
