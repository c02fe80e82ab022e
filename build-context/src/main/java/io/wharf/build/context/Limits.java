package io.wharf.build.context;

/**
 * How large a build context may be.
 *
 * @param maxBytes the files' total size, uncompressed (an archive that claims or inflates to more is refused)
 * @param maxEntries files and folders
 */
public record Limits(long maxBytes, int maxEntries) {

    public static final Limits DEFAULT = new Limits(64L * 1024 * 1024, 10_000);
}
