package io.wharf.onetrigger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tells a complete file from one still being written: a file is settled once its size and modification time have
 * stayed the same across looks at least {@code stableFor} apart. What is remembered lives in memory only: after a
 * restart a file waits once more, which delays it and never loses it.
 */
final class Settling {

    private record Seen(long size, long mtime, Instant since) {
    }

    private final Duration stableFor;
    private final Map<String, Seen> pending = new HashMap<>();

    Settling(Duration stableFor) {
        this.stableFor = stableFor;
    }

    /** Whether the file, looked at now with this size and time, has settled. */
    synchronized boolean settled(String fileId, long size, long mtime, Instant now) {
        Seen seen = pending.get(fileId);
        if (seen == null || seen.size() != size || seen.mtime() != mtime) {
            pending.put(fileId, new Seen(size, mtime, now));
            return false;
        }
        return !now.isBefore(seen.since().plus(stableFor));
    }

    /** Whether some file is waiting to settle. */
    synchronized boolean waiting() {
        return !pending.isEmpty();
    }

    /** Forgets a file (announced, or gone). */
    synchronized void forget(String fileId) {
        pending.remove(fileId);
    }

    /** Forgets files that are no longer in the folder. */
    synchronized void keepOnly(Set<String> present) {
        pending.keySet().retainAll(present);
    }
}
