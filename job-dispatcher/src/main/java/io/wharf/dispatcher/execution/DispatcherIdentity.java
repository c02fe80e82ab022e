package io.wharf.dispatcher.execution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
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
            // workspaces inside are made for (and readable by) the unprivileged user scripts run as
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

    private static String hostAndPid() {
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (UnknownHostException e) {
            return "dispatcher-" + ProcessHandle.current().pid();
        }
    }
}
