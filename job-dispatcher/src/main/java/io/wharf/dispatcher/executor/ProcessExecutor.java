package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.wharf.supervisor.ProcessRunner;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.Supervisor;

/**
 * Runs the script as a local process under {@code /bin/sh}, with only the supervisor's environment, in the
 * execution's workspace, under the timeout. When the dispatcher runs as root, the script runs as an unprivileged
 * user (setpriv, no new privileges). CPU and memory limits are not enforced here: that needs a container.
 */
public final class ProcessExecutor implements ScriptExecutor {

    private static final Logger LOG = Logger.getLogger(ProcessExecutor.class);
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private final List<String> dropPrivileges;
    private final Path pids;

    /**
     * @param user {@code uid:gid} scripts run as when the dispatcher is root
     * @param workDir where workspaces live: the unprivileged user must be able to reach it
     */
    public ProcessExecutor(String user, Path workDir) {
        boolean root = "root".equals(ProcessHandle.current().info().user().orElse(""));
        if (root && Files.isExecutable(SETPRIV)) {
            requireReachableByOthers(workDir);
            String[] ids = user.split(":");
            dropPrivileges = List.of(SETPRIV.toString(), "--reuid=" + ids[0], "--regid=" + ids[ids.length - 1],
                    "--clear-groups", "--no-new-privs", "--");
        } else {
            if (root) {
                LOG.warn("running as root without setpriv: scripts of the process executor run as root");
            }
            dropPrivileges = List.of();
        }
        try {
            this.pids = Files.createDirectories(workDir.resolve(".pids"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + workDir.resolve(".pids"), e);
        }
        LOG.info("process executor: scripts get the timeout but no CPU or memory limit (use the container executor)");
    }

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
        Map<String, String> env = new LinkedHashMap<>(Supervisor.scriptEnvironment(request.envelope(),
                request.function(), request.executionId(), request.workspace().hostView(), request.inputFileName()));
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.putIfAbsent("HOME", request.workspace().root().toString());
        env.putIfAbsent("LANG", "C.UTF-8");
        List<String> command = new ArrayList<>(dropPrivileges);
        command.add("/bin/sh");
        command.add(request.workspace().scriptFile().toString());
        Path pidFile = pidFile(request.executionId());
        try {
            return ProcessRunner.run(command, env, request.workspace().root(), request.timeout(),
                    request.workspace().logFile(), pid -> writePid(pidFile, pid), () -> {
                    });
        } finally {
            Files.deleteIfExists(pidFile);
        }
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
