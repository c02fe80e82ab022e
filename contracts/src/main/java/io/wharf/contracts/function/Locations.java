package io.wharf.contracts.function;

import java.util.List;

/**
 * How input and output locations relate. A function whose output lies inside its own input would be triggered by its
 * own results, without end; it is refused when it is defined.
 */
public final class Locations {

    private Locations() {
    }

    /**
     * Whether a file written to {@code output} may land in {@code input} and pass its filters: same store, same
     * bucket, the output folder is the input folder or inside it, and some file name passes both locations' filters.
     */
    public static boolean feeds(StorageIO output, StorageIO input) {
        ProviderRef out = output.provider();
        ProviderRef in = input.provider();
        if (out == null || in == null || !out.equals(in) || !output.bucket().equals(input.bucket())) {
            return false;
        }
        if (!folder(output).startsWith(folder(input))) {
            return false;
        }
        return someNamePasses(output.suffix(), input.suffix(), true)
                && someNamePasses(output.prefix(), input.prefix(), false);
    }

    /** The key prefix of a location's folder: {@code prefix/}, or nothing for a whole bucket. */
    public static String folder(StorageIO location) {
        return location.keyPrefix().isEmpty() ? "" : location.keyPrefix() + "/";
    }

    /** Whether some name passes both filter lists: an empty list passes everything. */
    private static boolean someNamePasses(List<String> a, List<String> b, boolean suffixes) {
        if (a.isEmpty() || b.isEmpty()) {
            return true;
        }
        return a.stream()
                .anyMatch(x -> b.stream()
                        .anyMatch(y -> suffixes
                                ? x.endsWith(y) || y.endsWith(x)
                                : x.startsWith(y) || y.startsWith(x)));
    }
}
