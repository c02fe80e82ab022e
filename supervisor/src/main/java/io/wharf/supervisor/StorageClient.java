package io.wharf.supervisor;

import java.io.IOException;
import java.nio.file.Path;

/** The few operations an execution needs from a store. Implementations are thread-safe. */
public interface StorageClient {

    /** Downloads an object into a file that must not exist yet. */
    void download(String bucket, String key, Path target) throws IOException;

    /**
     * Uploads a file, replacing any object with that key.
     *
     * @param metadata user metadata stored with the object ({@code x-amz-meta-<name>})
     */
    void upload(String bucket, String key, Path source, java.util.Map<String, String> metadata) throws IOException;
}
