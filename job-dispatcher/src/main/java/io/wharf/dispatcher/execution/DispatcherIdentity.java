package io.wharf.dispatcher.execution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import jakarta.inject.Singleton;

import io.wharf.dispatcher.DispatcherConfig;

/** Who this dispatcher is in execution records, and where its executions' workspaces live. */
@Singleton
public class DispatcherIdentity {

    private final String instanceId;
    private final Path workDir;

    public DispatcherIdentity(DispatcherConfig config) {
        this.instanceId = config.dispatcher().instanceId().orElseGet(DispatcherIdentity::hostAndPid);
        this.workDir = config.dispatcher()
                .workDir()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "wharf-executions"));
        try {
            Files.createDirectories(workDir);
            requireOwnFolder(workDir);
            // others may pass through to a workspace whose name they know (its script user), never list them
            Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work folder " + workDir, e);
        }
    }

    public String instanceId() {
        return instanceId;
    }

    public Path workDir() {
        return workDir;
    }

    /**
     * The work folder must be the dispatcher's own: a folder another local user made first (in a shared {@code /tmp})
     * would let them see or replace what executions write.
     */
    static void requireOwnFolder(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IllegalStateException("the work folder " + dir + " is a symbolic link; set "
                    + "wharf.dispatcher.work-dir to a real folder of the dispatcher's own");
        }
        // by uid, not by name: in a container the dispatcher's uid may have no name (OpenShift assigns one)
        Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Path probe = Files.createTempFile(dir, ".owner-", "");
        try {
            Object self = Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!owner.equals(self)) {
                throw new IllegalStateException("the work folder " + dir + " belongs to uid " + owner + ", not to uid "
                        + self + " who runs the dispatcher; remove it or set wharf.dispatcher.work-dir elsewhere");
            }
        } finally {
            Files.delete(probe);
        }
    }

    /** The name of the machine this dispatcher runs on. */
    public String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String hostAndPid() {
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (UnknownHostException e) {
            return "dispatcher-" + ProcessHandle.current().pid();
        }
    }
}
