package io.wharf.jetstream;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

import io.nats.client.Connection;
import io.wharf.contracts.Names;
import io.wharf.contracts.build.BuildRecord;

/**
 * Builds: their records in {@value Names#BUILDS_BUCKET} (created once, changed with compare-and-set), their contexts
 * and logs in the {@value Names#BUILD_FILES_BUCKET} object store.
 */
public final class BuildStore {

    private final TypedBucket<BuildRecord> records;
    private final StoredObjects files;

    public BuildStore(Connection connection) {
        this.records = TypedBucket.ofJson(connection, Names.BUILDS_BUCKET, BuildRecord.class);
        this.files = new StoredObjects(connection, Names.BUILD_FILES_BUCKET, "build file");
    }

    public Optional<Versioned<BuildRecord>> get(String id) {
        return records.get(id);
    }

    /** @throws ConflictException when a build of that id exists */
    public long create(BuildRecord build) {
        return records.create(build.id(), build);
    }

    /** @throws ConflictException when the record changed since {@code revision} */
    public long update(BuildRecord build, long revision) {
        return records.update(build.id(), build, revision);
    }

    public List<BuildRecord> list() {
        return records.list(">");
    }

    public void putContext(String id, byte[] tarGz) {
        files.put(id + ".context", new ByteArrayInputStream(tarGz));
    }

    public Optional<byte[]> context(String id) {
        return files.get(id + ".context");
    }

    public void putLog(String id, InputStream log) {
        files.put(id + ".log", log);
    }

    public Optional<byte[]> log(String id) {
        return files.get(id + ".log");
    }

    /** Removes a build: its context and log first, so a record never outlives them unnoticed, then the record. */
    public void delete(String id) {
        files.delete(id + ".context");
        files.delete(id + ".log");
        records.delete(id);
    }
}
