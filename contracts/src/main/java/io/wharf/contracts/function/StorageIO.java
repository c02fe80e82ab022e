package io.wharf.contracts.function;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An input or output location of a function, as in OSCAR's FDL.
 *
 * @param storageProvider {@code minio}, {@code minio.<id>}, {@code s3.<id>} or {@code onedata.<id>}
 * @param path {@code bucket} or {@code bucket/prefix} (for Onedata: a folder of the space)
 * @param suffix only keys (or output files) ending with one of these
 * @param prefix only keys (or output files) whose name starts with one of these
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StorageIO(
        @JsonProperty("storage_provider") String storageProvider,
        @JsonProperty("path") String path,
        @JsonProperty("suffix") List<String> suffix,
        @JsonProperty("prefix") List<String> prefix) {

    public StorageIO {
        suffix = suffix == null ? List.of() : List.copyOf(suffix);
        prefix = prefix == null ? List.of() : List.copyOf(prefix);
    }

    /** The provider reference, parsed; never null for a validated definition. */
    public ProviderRef provider() {
        return ProviderRef.parse(storageProvider);
    }

    /** The bucket: the first segment of the path. */
    public String bucket() {
        String trimmed = trimmedPath();
        int slash = trimmed.indexOf('/');
        return slash < 0 ? trimmed : trimmed.substring(0, slash);
    }

    /** The key prefix inside the bucket, without leading or trailing '/', possibly empty. */
    public String keyPrefix() {
        String trimmed = trimmedPath();
        int slash = trimmed.indexOf('/');
        return slash < 0 ? "" : trimmed.substring(slash + 1);
    }

    /** Whether a file name passes this location's suffix and prefix filters (an empty filter passes everything). */
    public boolean accepts(String fileName) {
        boolean suffixOk = suffix.isEmpty() || suffix.stream().anyMatch(fileName::endsWith);
        boolean prefixOk = prefix.isEmpty() || prefix.stream().anyMatch(fileName::startsWith);
        return suffixOk && prefixOk;
    }

    /** The path without leading or trailing '/': for Onedata, the folder inside the provider's space. */
    public String trimmedPath() {
        String p = path == null ? "" : path.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
