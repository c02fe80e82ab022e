package io.wharf.supervisor;

import java.util.Optional;

/**
 * The unprivileged user a script runs as ({@code uid:gid}). A workspace is handed to it only when the platform runs
 * as root, which is then able to give it away; a platform running as another user keeps the workspace its own.
 *
 * @param uid user id
 * @param gid group id
 */
public record ScriptUser(int uid, int gid) {

    /** @param spec {@code uid:gid} or {@code uid} */
    public static ScriptUser parse(String spec) {
        String[] ids = spec.strip().split(":");
        try {
            int uid = Integer.parseInt(ids[0]);
            int gid = Integer.parseInt(ids[ids.length - 1]);
            if (uid <= 0 || gid <= 0) {
                throw new IllegalArgumentException("scripts never run as root: " + spec);
            }
            return new ScriptUser(uid, gid);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a script user is uid:gid, numbers: " + spec, e);
        }
    }

    /** The user to hand workspaces to: {@code spec} when this process runs as root, none otherwise. */
    public static Optional<ScriptUser> whenRoot(String spec) {
        return isRoot() ? Optional.of(parse(spec)) : Optional.empty();
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
