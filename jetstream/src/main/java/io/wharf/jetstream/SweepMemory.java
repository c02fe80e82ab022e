package io.wharf.jetstream;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.nats.client.Connection;
import io.wharf.contracts.Hashes;
import io.wharf.contracts.Names;

/**
 * What the input sweep remembers between rounds, in {@value Names#SWEEP_BUCKET}, under the function's name:
 * <ul>
 * <li>{@code <function>.cursor.<folder hash>}: where the listing of one input folder resumes, and since when the
 * folder is an input of this function (objects stored before were never the function's to process);</li>
 * <li>{@code <function>.removed.<execution id>}: an execution whose record its owner deleted, which the sweep must
 * not start again.</li>
 * </ul>
 * Everything under a function's name goes when the function is deleted.
 */
public final class SweepMemory {

    private final TypedBucket<Entry> bucket;

    public SweepMemory(Connection connection) {
        this.bucket = TypedBucket.ofJson(connection, Names.SWEEP_BUCKET, Entry.class);
    }

    /**
     * Where the sweep of an input folder stands.
     *
     * @param uid the function the cursor belongs to (a function created again under the name starts afresh)
     * @param since when the folder became an input of the function
     * @param after the last key the previous round looked at; empty to start from the folder's first key
     */
    public record Cursor(String uid, Instant since, String after) {

        /** A folder the function watches from now on. */
        public static Cursor startingAt(String uid, Instant since) {
            return new Cursor(uid, since, "");
        }

        public Cursor resumingAfter(String key) {
            return new Cursor(uid, since, key);
        }
    }

    public Optional<Cursor> cursor(String function, String folder) {
        return bucket.get(cursorKey(function, folder)).map(v -> v.value().cursor());
    }

    public void save(String function, String folder, Cursor cursor) {
        bucket.put(cursorKey(function, folder), new Entry(cursor, null));
    }

    /** Remembers that the execution's record was deleted by its owner. */
    public void removed(String function, String executionId, Instant when) {
        bucket.put(function + ".removed." + executionId, new Entry(null, when));
    }

    public boolean wasRemoved(String function, String executionId) {
        return bucket.get(function + ".removed." + executionId).isPresent();
    }

    /** Forgets everything about the function (it was deleted). */
    public void forget(String function) {
        bucket.keys(function + ".>").forEach(bucket::delete);
    }

    private static String cursorKey(String function, String folder) {
        return function + ".cursor." + Hashes.sha256Hex(folder).substring(0, 16);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(@JsonProperty("cursor") Cursor cursor, @JsonProperty("removed_at") Instant removedAt) {
    }

}
