package io.wharf.contracts.function;

/**
 * A parsed {@code storage_provider} reference: {@code minio} means {@code minio.default}, the platform's own store.
 *
 * @param type {@code minio}, {@code s3} or {@code onedata}
 * @param id the identifier under {@code storage_providers.<type>}
 */
public record ProviderRef(String type, String id) {

    public static final String MINIO = "minio";
    public static final String S3 = "s3";
    public static final String ONEDATA = "onedata";
    public static final String DEFAULT_ID = "default";

    /** @return the reference, or {@code null} when the text is not of the form {@code type[.id]} */
    public static ProviderRef parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        int dot = t.indexOf('.');
        if (dot < 0) {
            return new ProviderRef(t, DEFAULT_ID);
        }
        if (dot == 0 || dot == t.length() - 1) {
            return null;
        }
        return new ProviderRef(t.substring(0, dot), t.substring(dot + 1));
    }

    /** Whether this is the platform's own MinIO, which needs no entry in {@code storage_providers}. */
    public boolean isPlatformMinio() {
        return MINIO.equals(type) && DEFAULT_ID.equals(id);
    }

    @Override
    public String toString() {
        return type + "." + id;
    }
}
