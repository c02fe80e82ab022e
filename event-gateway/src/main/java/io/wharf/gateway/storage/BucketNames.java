package io.wharf.gateway.storage;

import java.util.regex.Pattern;

/**
 * S3's rules for bucket names, which MinIO enforces: checked before MinIO sees a name, so a bad one is the client's
 * 400 and never the platform's failure.
 */
public final class BucketNames {

    /** What a bucket name must be, as clients are told. */
    public static final String RULE = "must be an S3 bucket name: 3-63 characters of lowercase letters, digits, '-' and "
            + "'.', starting and ending with a letter or digit, without '..', '.-' or '-.', not an IP address";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    private BucketNames() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..") && !name.contains(".-")
                && !name.contains("-.") && !IP_ADDRESS.matcher(name).matches();
    }
}
