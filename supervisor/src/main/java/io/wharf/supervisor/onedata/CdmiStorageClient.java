package io.wharf.supervisor.onedata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.wharf.supervisor.StorageClient;

/**
 * A Onedata space as an execution's store: the "bucket" is the space, the key a path in it, so
 * {@code download("my-space", "in/cat.jpg")} reads {@code /cdmi/my-space/in/cat.jpg}. CDMI's raw interface keeps no
 * user metadata, so the metadata of an upload is not stored (an output is recognised by its file id instead).
 */
public final class CdmiStorageClient implements StorageClient {

    private final CdmiClient cdmi;

    public CdmiStorageClient(CdmiClient cdmi) {
        this.cdmi = cdmi;
    }

    @Override
    public void download(String bucket, String key, Path target) throws IOException {
        cdmi.download(pathIn(bucket, key), target);
    }

    @Override
    public void upload(String bucket, String key, Path source, Map<String, String> metadata) throws IOException {
        cdmi.upload(pathIn(bucket, key), source, Files.probeContentType(source));
    }

    private String pathIn(String space, String key) throws IOException {
        if (!cdmi.space().equals(space)) {
            throw new IOException("this client reaches space '" + cdmi.space() + "', not '" + space + "'");
        }
        return key;
    }
}
