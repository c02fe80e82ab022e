package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.wharf.supervisor.ProcessRunner;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.ScriptLauncher;
import io.wharf.supervisor.ScriptUser;
import io.wharf.supervisor.Workspace;

/**
 * Runs the script as a local process: for trusted, single-user use only (development, a laptop), chosen by name
 * ({@code wharf.dispatcher.executor=process}), never as a fallback. The script runs under {@code /bin/sh} in the
 * workspace's sandbox with the timeout, the workspace limit and a fixed environment; its own variables are read
 * inside the sandbox ({@link ScriptLauncher}). When the dispatcher runs as root, the script runs as an unprivileged
 * user ({@code setpriv}, no new privileges) in a PID namespace of its own ({@code unshare}), so that everything it
 * starts, even a daemon that detached itself, dies with it. There is no CPU, memory or network limit: that needs a
 * container.
 */
public final class ProcessExecutor implements ScriptExecutor {

    private static final Logger LOG = Logger.getLogger(ProcessExecutor.class);
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path UNSHARE = Path.of("/usr/bin/unshare");

    private final List<String> sandbox;
    private final Path pids;
    private final Optional<ScriptUser> scriptUser;

    /**
     * @param user the user scripts run as when the dispatcher is root
     * @param workDir where workspaces live
     */
    public ProcessExecutor(Optional<ScriptUser> user, Path workDir) {
        this.scriptUser = user;
        if (user.isPresent()) {
            if (!Files.isExecutable(SETPRIV) || !Files.isExecutable(UNSHARE)) {
                throw new IllegalStateException("the process executor never runs scripts as root: "
                        + SETPRIV + " and " + UNSHARE + " (util-linux) are needed to drop privileges");
            }
            requireReachableByOthers(workDir);
            ScriptUser u = user.get();
            sandbox = List.of(UNSHARE.toString(), "--pid", "--fork", "--kill-child", "--", SETPRIV.toString(),
                    "--reuid=" + u.uid(), "--regid=" + u.gid(), "--clear-groups", "--no-new-privs", "--");
        } else {
            sandbox = List.of();
        }
        try {
            this.pids = Files.createDirectories(workDir.resolve(".pids"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + workDir.resolve(".pids"), e);
        }
        LOG.warn("process executor: for trusted single-user use only. Scripts run on this machine"
                + (user.isPresent() ? " as uid " + user.get().uid() : " as the dispatcher's own user")
                + ", with the timeout but no CPU, memory or network limit (docs/security.md)");
    }

    /** The script's user must be able to pass through every folder above its sandbox. */
    private static void requireReachableByOthers(Path dir) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new IllegalStateException("scripts run as an unprivileged user, who cannot reach the work "
                            + "folder " + dir + " because " + p + " is not searchable by others (chmod o+x " + p
                            + ", or set wharf.dispatcher.work-dir elsewhere)");
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot check the permissions of " + p, e);
            }
        }
    }

    @Override
    public RunResult run(ExecutionRequest request) throws IOException, InterruptedException {
        Workspace ws = request.workspace();
        List<String> command = new ArrayList<>(sandbox);
        command.addAll(ScriptLauncher.command(ws.hostView()));
        Map<String, String> env = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", ws.sandbox().toString(),
                "LANG", "C.UTF-8");
        Path pidFile = pidFile(request.executionId());
        try {
            return ProcessRunner.run(command, env, ws.sandbox(), request.timeout(), ws.logFile(),
                    pid -> writePid(pidFile, pid), () -> {
                    }, () -> request.limits().apply(request.workspace().sandbox()));
        } finally {
            Files.deleteIfExists(pidFile);
        }
    }

    @Override
    public Optional<ScriptUser> scriptUser() {
        return scriptUser;
    }

    @Override
    public Workspace.ScriptPaths paths(Workspace workspace) {
        return workspace.hostView();
    }

    /** A dispatcher killed mid-run leaves its script running, orphaned: the next attempt kills it first. */
    @Override
    public void cleanUp(String executionId) {
        Path pidFile = pidFile(executionId);
        try {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                ProcessRunner.killTree(pid);
                LOG.infof("executionId=%s killed the script (pid %d) of a previous attempt", executionId, pid);
                Files.deleteIfExists(pidFile);
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warnf("executionId=%s cannot clean up a previous attempt: %s", executionId, e.getMessage());
        }
    }

    private Path pidFile(String executionId) {
        return pids.resolve(executionId + ".pid");
    }

    private static void writePid(Path pidFile, long pid) {
        try {
            Files.writeString(pidFile, Long.toString(pid));
        } catch (IOException e) {
            LOG.warnf("cannot write %s: %s", pidFile, e.getMessage());
        }
    }

    @Override
    public String kind() {
        return "process";
    }
}
