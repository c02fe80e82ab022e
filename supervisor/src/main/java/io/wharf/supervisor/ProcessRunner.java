package io.wharf.supervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * Runs a command with exactly the environment given (nothing inherited: the supervisor's own variables may hold
 * credentials), its output appended to a log file, each line stamped with its time ({@link LogPump}), under a timeout
 * that kills the whole process tree.
 */
public final class ProcessRunner {

    private static final Logger LOG = Logger.getLogger(ProcessRunner.class);
    private static final Duration KILL_GRACE = Duration.ofSeconds(10);
    private static final long LIMIT_CHECK_MILLIS = 1000;
    /** How long the log may take to drain once the process ended. */
    private static final Duration PUMP_GRACE = Duration.ofSeconds(5);

    private ProcessRunner() {
    }

    /**
     * @param onTimeout run when the timeout strikes, before the process tree is killed (e.g. to kill a container that
     *        does not die with its client)
     */
    public static RunResult run(List<String> command, Map<String, String> environment, Path workDir, Duration timeout,
            Path logFile, Runnable onTimeout) throws IOException, InterruptedException {
        return run(command, environment, workDir, timeout, logFile, pid -> {
        }, onTimeout);
    }

    /** @param onStart told the process id as soon as the process runs (to find it again after a crash) */
    public static RunResult run(List<String> command, Map<String, String> environment, Path workDir, Duration timeout,
            Path logFile, LongConsumer onStart, Runnable onTimeout) throws IOException, InterruptedException {
        return run(command, environment, workDir, timeout, logFile, onStart, onTimeout, () -> null);
    }

    /**
     * @param limits asked every {@value #LIMIT_CHECK_MILLIS} ms while the process runs: a non-null answer names a limit
     *        the run exceeded, and the run is killed as on a timeout ({@code onTimeout} first) and marked with it
     */
    public static RunResult run(List<String> command, Map<String, String> environment, Path workDir, Duration timeout,
            Path logFile, LongConsumer onStart, Runnable onTimeout, Supplier<String> limits)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().clear();
        pb.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = pb.start();
        LogPump pump = LogPump.start(process.getInputStream(), logFile);
        onStart.accept(process.pid());
        long deadline = start + timeout.toNanos();
        try {
            return await(process, start, deadline, timeout, onTimeout, limits);
        } finally {
            pump.finish(PUMP_GRACE);
        }
    }

    private static RunResult await(Process process, long start, long deadline, Duration timeout,
            Runnable onTimeout, Supplier<String> limits) throws InterruptedException {
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (process.waitFor(Math.min(LIMIT_CHECK_MILLIS, Math.max(0, left / 1_000_000)),
                        TimeUnit.MILLISECONDS)) {
                    return new RunResult(process.exitValue(), false, Duration.ofNanos(System.nanoTime() - start));
                }
                String exceeded = limits.get();
                if (exceeded != null) {
                    LOG.debugf("%s exceeded, killing pid %d", exceeded, process.pid());
                    onTimeout.run();
                    kill(process);
                    return new RunResult(process.exitValue(), false, Duration.ofNanos(System.nanoTime() - start))
                            .killedFor(exceeded);
                }
                if (System.nanoTime() - deadline >= 0) {
                    LOG.debugf("timeout of %s reached, killing pid %d", timeout, process.pid());
                    onTimeout.run();
                    kill(process);
                    return new RunResult(process.exitValue(), true, Duration.ofNanos(System.nanoTime() - start));
                }
            }
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        }
    }

    /** Kills a process left behind by a previous run (found by its pid) and everything it started. */
    public static void killTree(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessRunner::killParentFirst);
    }

    /**
     * Kills a process, then what it had started: killed first, a child (the {@code sleep} of a script) would let the
     * shell run the script's next line before the shell itself dies.
     */
    private static void killParentFirst(ProcessHandle parent) {
        List<ProcessHandle> tree = parent.descendants().toList();
        parent.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private static void kill(Process process) throws InterruptedException {
        killParentFirst(process.toHandle());
        if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warnf("pid %d survived SIGKILL for %s", process.pid(), KILL_GRACE);
        }
    }
}
