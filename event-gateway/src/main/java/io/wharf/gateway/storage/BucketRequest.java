package io.wharf.gateway.storage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.wharf.contracts.Violation;
import io.wharf.contracts.function.Visibility;
import io.wharf.gateway.api.ApiException;
import io.wharf.jetstream.BucketOwners;

/**
 * OSCAR's bucket body ({@code MinIOBucket}) as {@code POST} and {@code PUT /system/buckets} take it.
 *
 * @param bucketName the bucket; on create, {@code bucket/folder} also creates the folder
 * @param visibility {@code private} (also when empty), {@code public} or {@code restricted}
 * @param allowedUsers with {@code restricted}, the users the bucket is shared with
 */
public record BucketRequest(@JsonProperty("bucket_name") String bucketName,
        @JsonProperty("visibility") String visibility,
        @JsonProperty("allowed_users") List<String> allowedUsers) {

    private static final int MAX_USERS = 1000;
    private static final int MAX_USER_CHARS = 256;
    private static final int MAX_FOLDER_CHARS = 900;

    /** @throws ApiException 400 when the body is not such an object */
    public static BucketRequest parse(String body) {
        return JsonBody.read(body, BucketRequest.class);
    }

    /**
     * The bucket and its sharing, every rule checked.
     *
     * @param folderAllowed whether {@code bucket_name} may name a folder too (create)
     * @throws ApiException 400 naming each field that breaks a rule
     */
    public Valid validated(boolean folderAllowed) {
        List<Violation> violations = new ArrayList<>();
        String path = bucketName == null ? "" : bucketName.strip();
        if (folderAllowed) {
            path = trimSlashes(path);
        }
        int slash = path.indexOf('/');
        String bucket = slash < 0 || !folderAllowed ? path : path.substring(0, slash);
        String folder = slash < 0 || !folderAllowed ? "" : path.substring(slash + 1);
        if (path.isEmpty()) {
            violations.add(new Violation("bucket_name", "is required"));
        } else if (!BucketNames.isValid(bucket)) {
            violations.add(new Violation("bucket_name", BucketNames.RULE
                    + (folderAllowed ? " (optionally followed by /folder)" : "")));
        } else if (!folder.isEmpty() && !isFolder(folder)) {
            violations.add(new Violation("bucket_name", "the folder after the bucket must be at most "
                    + MAX_FOLDER_CHARS + " characters of '/'-separated names, none empty, '.' or '..', without "
                    + "control characters"));
        }
        Visibility parsed = visibility == null || visibility.isBlank()
                ? Visibility.PRIVATE
                : Visibility.parse(visibility);
        if (parsed == null) {
            violations.add(new Violation("visibility", "must be private, public or restricted"));
        }
        List<String> users = allowedUsers == null ? List.of() : allowedUsers;
        if (users.size() > MAX_USERS) {
            violations.add(new Violation("allowed_users", "must list at most " + MAX_USERS + " users"));
        }
        for (int i = 0; i < users.size() && i < MAX_USERS; i++) {
            String user = users.get(i);
            if (user == null || user.isBlank() || user.length() > MAX_USER_CHARS || hasControl(user)) {
                violations.add(new Violation("allowed_users[" + i + "]", "must be a user name of 1-"
                        + MAX_USER_CHARS + " characters without control characters"));
            }
        }
        BadInput.check(violations);
        Set<String> distinct = new LinkedHashSet<>();
        users.forEach(u -> distinct.add(u.strip()));
        return new Valid(bucket, folder.isEmpty() ? "" : folder + "/", parsed, List.copyOf(distinct));
    }

    /**
     * A valid request.
     *
     * @param bucket the bucket's name
     * @param folder the folder marker to create ({@code a/b/}), or empty
     * @param visibility who besides the owner may use the bucket
     * @param allowedUsers as requested (they count only when {@code restricted})
     */
    public record Valid(String bucket, String folder, Visibility visibility, List<String> allowedUsers) {

        /** The bucket's record for {@code owner}: the users it is shared with are kept only when restricted. */
        public BucketOwners.Owner ownedBy(String owner) {
            List<String> shared = visibility == Visibility.RESTRICTED
                    ? allowedUsers.stream().filter(u -> !u.equals(owner)).toList()
                    : List.of();
            return new BucketOwners.Owner(owner, visibility.oscarName(), shared);
        }
    }

    private static boolean isFolder(String folder) {
        if (folder.length() > MAX_FOLDER_CHARS || hasControl(folder)) {
            return false;
        }
        for (String segment : folder.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    static String trimSlashes(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '/') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '/') {
            end--;
        }
        return text.substring(start, end);
    }

    static boolean hasControl(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }
}
