package io.wharf.dispatcher.executor;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.wharf.contracts.function.ImageReferences;
import io.wharf.supervisor.LogPump;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.ScriptLauncher;
import io.wharf.supervisor.Workspace;

/**
 * One running container of one function ({@link WorkerKey}) that carries out its executions one after another, each
 * as the cold path would: the same launcher, the same variables file, the same paths, its own log.
 * <p>
 * The container holds a fixed agent (a shell loop, nothing of a user's in it) under the engine's init, which reaps
 * what dies. For each execution the dispatcher moves the prepared sandbox's files into the folder mounted at
 * {@value Workspace#CONTAINER_ROOT} and writes one line on the agent's standard input: the name of a fresh named pipe
 * in the control folder, for the script's output, and a secret. The agent runs the launcher with its output into the
 * pipe, kills every other process in the container, empties {@code /tmp} and {@code /dev/shm}, and answers the secret
 * with the exit code and whether it left the container clean; then it discards what reached its input up to the
 * fence the dispatcher writes after the answer (the same secret). The dispatcher checks from the host that only the
 * agent runs, and moves everything in the sandbox folder back into the execution's workspace.
 * <p>
 * A script cannot forge the answer (it does not know the secret) nor queue a run (what it wrote to the agent's input
 * lies before the fence). A run past its timeout or a limit, a cancelled run, a container that ends, and a worker not
 * left clean are removed with their container; the pool starts another.
 */
final class WarmWorker {

    private static final Logger LOG = Logger.getLogger(WarmWorker.class);

    /** Where the control folder (the output pipes) is mounted in the container. */
    static final String CONTROL_ROOT = "/wharf-ctl";
    private static final Duration PUMP_GRACE = Duration.ofSeconds(5);
    private static final long LIMIT_CHECK_MILLIS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String LEFTOVERS = "/tmp/* /tmp/.[!.]* /tmp/..?* /dev/shm/* /dev/shm/.[!.]* /dev/shm/..?*";

    /**
     * The agent, in POSIX shell (dash, busybox, bash): reads {@code <pipe> <secret>} lines, runs the launcher for each
     * in the foreground, cleans up, answers {@code <secret> <exit code> clean|dirty}, then reads up to the fence.
     * Signals a script may send its process group ({@code kill 0}) are caught, not obeyed. {@code kill -9 -1} signals
     * every process the agent may signal but itself and the init, until none is left (a thousand tries at most, then
     * the container is dirty). {@code rm} (not a built-in) runs only when something is left; what the script made
     * unwritable is made writable first.
     */
    static final String AGENT = """
            trap : TERM INT HUP QUIT USR1 USR2
            while read -r pipe secret; do
              %1$s </dev/null >"%2$s/$pipe" 2>&1
              code=$?
              i=0
              while kill -9 -1 2>/dev/null && [ $i -lt 1000 ]; do i=$((i+1)); done
              state=clean
              for f in %3$s; do
                if [ -e "$f" ] || [ -L "$f" ]; then
                  chmod -R u+rwx %3$s 2>/dev/null
                  rm -rf %3$s 2>/dev/null
                  break
                fi
              done
              for f in %3$s; do
                if [ -e "$f" ] || [ -L "$f" ]; then state=dirty; fi
              done
              if kill -0 -1 2>/dev/null; then state=dirty; fi
              echo "$secret $code $state"
              while read -r line; do
                case "$line" in *"$secret") break ;; esac
              done
            done
            """.formatted(ScriptLauncher.commandLine(Workspace.containerView()), CONTROL_ROOT, LEFTOVERS);

    private final String name;
    private final WorkerKey key;
    private final ContainerExecutor containers;
    private final Path root;
    private final Process engine;
    private final OutputStream requests;
    private final AgentOutput answers;
    private final AgentOutput.Tail engineMessages;
    private volatile boolean broken;
    private volatile boolean cancelled;
    private volatile long lastUsed = System.nanoTime();
    /** Made during a run, for the next one. */
    private Path nextPipe;
    /** Found after the first run (the container runs by then). */
    private Optional<ContainerProcesses> processes;

    private WarmWorker(String name, WorkerKey key, ContainerExecutor containers, Path root, Process engine) {
        this.name = name;
        this.key = key;
        this.containers = containers;
        this.root = root;
        this.engine = engine;
        this.requests = engine.getOutputStream();
        this.answers = new AgentOutput(engine.getInputStream(), name);
        this.engineMessages = new AgentOutput.Tail(engine.getErrorStream(), name);
    }

    /**
     * Starts a worker for the function of {@code first}, with the isolation and limits of its executions.
     *
     * @param root a folder of the worker's own, which it removes when it ends
     * @param pool the label that marks the pool's containers (to remove those a crash left behind)
     * @param name the container's name ({@link #newName})
     */
    static WarmWorker start(ContainerExecutor containers, ExecutionRequest first, Path root, String pool, String name)
            throws IOException {
        String image = first.function().image();
        if (!ImageReferences.isValid(image)) {
            throw new IllegalArgumentException("image " + ImageReferences.RULE);
        }
        Files.createDirectories(root.resolve("sandbox"));
        Files.createDirectories(root.resolve("control"));
        Files.setPosixFilePermissions(root.resolve("control"), PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> arguments = new ArrayList<>(List.of("run", "--rm", "--interactive", "--init", "--name", name));
        arguments.addAll(containers.isolation(first));
        // @formatter:off
        arguments.addAll(List.of(
                "--label", WarmPool.LABEL + "=" + pool,
                "--volume", root.resolve("sandbox") + ":" + Workspace.CONTAINER_ROOT,
                "--volume", root.resolve("control") + ":" + CONTROL_ROOT,
                "--workdir", Workspace.CONTAINER_ROOT,
                "--entrypoint", "/bin/sh",
                image, "-c", AGENT));
        // @formatter:on
        Process engine = containers.engineProcess(arguments).start();
        LOG.debugf("started warm worker %s for %s", name, first.function().name());
        return new WarmWorker(name, WorkerKey.of(first), containers, root, engine);
    }

    /** A container name no other worker has. */
    static String newName() {
        return "wharf-warm-" + hex(6);
    }

    /**
     * Carries out one execution: its prepared sandbox is moved in for the run and back out after it.
     *
     * @throws IOException when the worker ended while the script ran (retried as any platform failure)
     */
    RunResult run(ExecutionRequest request) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path sandbox = root.resolve("sandbox");
        Path pipe = nextPipe != null ? nextPipe : makePipe();
        nextPipe = null;
        String secret = hex(16);
        handOver(request.workspace().sandbox(), sandbox);
        LogPump pump = LogPump.startOpening(() -> new FileInputStream(pipe.toFile()),
                request.workspace().logFile());
        try {
            try {
                send(pipe.getFileName() + " " + secret);
            } catch (IOException e) {
                // the engine's input is closed: the worker is gone
                return ended(request, sandbox, start);
            }
            // the next run's pipe, made while this one's script runs (or by the next run, if this fails)
            try {
                nextPipe = makePipe();
            } catch (IOException e) {
                LOG.debugf("warm worker %s: the next pipe is left to the next run: %s", name, e.getMessage());
            }
            return await(request, secret, sandbox, start);
        } catch (InterruptedException e) {
            // the dispatcher is stopping: the script must not outlive the run
            kill();
            throw e;
        } finally {
            release(pipe);
            pump.finish(PUMP_GRACE);
            moveAll(sandbox, request.workspace().sandbox());
            lastUsed = System.nanoTime();
        }
    }

    private RunResult await(ExecutionRequest request, String secret, Path sandbox, long start)
            throws IOException, InterruptedException {
        long deadline = start + request.timeout().toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String answer = answers.next(Math.min(LIMIT_CHECK_MILLIS, Math.max(0, left / 1_000_000)));
            if (AgentOutput.END.equals(answer)) {
                return ended(request, sandbox, start);
            }
            if (answer != null && answer.startsWith(secret + " ")) {
                return answered(answer.substring(secret.length() + 1).split(" "), secret, start);
            }
            if (answer != null) {
                LOG.debugf("warm worker %s: ignoring an answer without the run's secret", name);
            }
            String exceeded = request.limits().apply(sandbox);
            if (exceeded != null) {
                kill();
                return new RunResult(137, false, elapsed(start)).killedFor(exceeded);
            }
            if (System.nanoTime() - deadline >= 0) {
                kill();
                return new RunResult(137, true, elapsed(start));
            }
        }
    }

    /** The run's answer: its exit code stands; a worker not left clean serves no other run. */
    private RunResult answered(String[] answer, String secret, long start) throws IOException {
        int exitCode;
        try {
            exitCode = Integer.parseInt(answer[0]);
        } catch (NumberFormatException e) {
            kill();
            throw new IOException("the warm worker " + name + " answered with no exit code");
        }
        RunResult result = new RunResult(exitCode, false, elapsed(start));
        if (processes == null) {
            processes = ContainerProcesses.of(containers, name);
        }
        boolean clean = answer.length > 1 && answer[1].equals("clean")
                && processes.map(ContainerProcesses::onlyTheAgent).orElse(false);
        if (!clean) {
            LOG.infof("warm worker %s was not left clean by its run: removing it", name);
            kill();
            return result;
        }
        try {
            send(secret);
        } catch (IOException e) {
            kill();
        }
        return result;
    }

    /**
     * The container ended during a run. Cancelled: as a cold container removed under its script. Before the script
     * started: the engine's failure, with its words in the log. After: a lost run.
     */
    private RunResult ended(ExecutionRequest request, Path sandbox, long start)
            throws IOException, InterruptedException {
        broken = true;
        engine.waitFor(10, TimeUnit.SECONDS);
        boolean exited = !engine.isAlive();
        int exit = exited ? engine.exitValue() : -1;
        if (cancelled) {
            return new RunResult(137, false, elapsed(start));
        }
        if (!exited || exit == 0 || Files.exists(sandbox.resolve(".wharf-started"), LinkOption.NOFOLLOW_LINKS)) {
            kill();
            throw new IOException("the warm worker " + name + " ended (exit " + exit + ") while the script ran");
        }
        request.workspace().appendToLog(engineMessages.toString());
        kill();
        return new RunResult(exit, false, elapsed(start));
    }

    /** Whether the worker can take another run. */
    boolean usable() {
        return !broken && engine.isAlive();
    }

    /** Removes the worker under its run, as a cold container is removed under its script (a cancelled execution). */
    void cancel() {
        cancelled = true;
        kill();
    }

    WorkerKey key() {
        return key;
    }

    long lastUsed() {
        return lastUsed;
    }

    String name() {
        return name;
    }

    /** Ends the worker at once, between runs: its container, the engine's client, its folder. */
    void stop() {
        kill();
        try {
            Workspace.deleteTree(root);
        } catch (IOException e) {
            LOG.warnf("cannot remove the folder of warm worker %s: %s", name, e.getMessage());
        }
    }

    /** Ends the container and the engine's client; the folder stays (a run's files may be in it still). */
    private void kill() {
        broken = true;
        containers.remove(name);
        engine.destroyForcibly();
    }

    private void send(String line) throws IOException {
        requests.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        requests.flush();
    }

    /** The sandbox folder takes the owner and mode of the workspace's, and its files. */
    private static void handOver(Path from, Path sandbox) throws IOException {
        try (Stream<Path> left = Files.list(sandbox)) {
            for (Path p : left.toList()) {
                Workspace.deleteTree(p);
            }
        }
        Files.setAttribute(sandbox, "unix:uid", Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        Files.setAttribute(sandbox, "unix:gid", Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        Files.setPosixFilePermissions(sandbox, Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS));
        moveAll(from, sandbox);
    }

    private static void moveAll(Path from, Path to) throws IOException {
        try (Stream<Path> children = Files.list(from)) {
            for (Path child : children.toList()) {
                Files.move(child, to.resolve(child.getFileName()));
            }
        }
    }

    /** A named pipe of a name no script can guess, which only the agent writes (as the container's user). */
    private Path makePipe() throws IOException, InterruptedException {
        Path pipe = root.resolve("control").resolve(hex(8));
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "0622", pipe.toString())
                .redirectErrorStream(true)
                .start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("cannot make the pipe " + pipe + ": "
                    + new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        }
        return pipe;
    }

    /**
     * Removes the pipe. Opened for reading and writing first: a pump still waiting for a writer (the launcher never
     * ran) is let go, and one that has not opened it yet finds no pipe.
     */
    private static void release(Path pipe) {
        try (FileChannel unblock = FileChannel.open(pipe, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Files.delete(pipe);
        } catch (IOException e) {
            LOG.debugf("pipe %s: %s", pipe, e.getMessage());
        }
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
