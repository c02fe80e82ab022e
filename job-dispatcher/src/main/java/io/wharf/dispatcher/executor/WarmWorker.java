package io.wharf.dispatcher.executor;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

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
 * {@value Workspace#CONTAINER_ROOT}, makes a fresh named pipe for the script's output in the control folder, and writes
 * one line on the agent's standard input: the pipe's name and a secret. The agent runs the launcher with its output into
 * the pipe, waits for it, kills every other process in the container, empties {@code /tmp} and {@code /dev/shm},
 * discards anything written to its own input meanwhile, and answers the secret with the exit code. Then the dispatcher
 * moves everything in the sandbox folder back into the execution's workspace: the next execution starts from an empty
 * folder, an empty {@code /tmp}, no process and the agent's own environment.
 * <p>
 * A script cannot forge the answer (it does not know the secret) nor queue a run (the agent drains its input after
 * the kill, when no process of the script is left). A run that outlives its timeout or a limit, and a worker whose
 * container ends, is removed with its container; the pool starts another.
 */
final class WarmWorker {

    private static final Logger LOG = Logger.getLogger(WarmWorker.class);

    /** Where the control folder (the output pipes) is mounted in the container. */
    static final String CONTROL_ROOT = "/wharf-ctl";
    private static final String END = "\0end";
    private static final Duration PUMP_GRACE = Duration.ofSeconds(5);
    private static final long LIMIT_CHECK_MILLIS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The agent: reads {@code <pipe> <secret>} lines, runs the launcher for each, cleans up, answers
     * {@code <secret> <exit code>}. {@code kill -9 -1} signals every process the agent may signal but itself and the
     * init; it repeats until none is left (or a thousand times: a fork bomb meets the process limit). {@code rm} runs
     * only when {@code /tmp} or {@code /dev/shm} holds something (it is not a built-in of the shell).
     */
    static final String AGENT = """
            while read -r pipe secret; do
              %s </dev/null >"%s/$pipe" 2>&1 &
              wait $!
              code=$?
              i=0
              while kill -9 -1 2>/dev/null && [ $i -lt 1000 ]; do i=$((i+1)); done
              for f in /tmp/* /tmp/.[!.]* /tmp/..?* /dev/shm/* /dev/shm/.[!.]* /dev/shm/..?*; do
                if [ -e "$f" ] || [ -L "$f" ]; then
                  rm -rf /tmp/* /tmp/.[!.]* /tmp/..?* /dev/shm/* /dev/shm/.[!.]* /dev/shm/..?* 2>/dev/null
                  break
                fi
              done
              while read -r -t 0.001 forged; do :; done
              echo "$secret $code"
            done
            """.formatted(ScriptLauncher.commandLine(Workspace.containerView()), CONTROL_ROOT);

    private final String name;
    private final WorkerKey key;
    private final ContainerExecutor containers;
    private final Path root;
    private final Process engine;
    private final OutputStream requests;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private volatile boolean broken;
    private volatile long lastUsed = System.nanoTime();
    /** Made during a run, for the next one. */
    private Path nextPipe;

    private WarmWorker(String name, WorkerKey key, ContainerExecutor containers, Path root, Process engine) {
        this.name = name;
        this.key = key;
        this.containers = containers;
        this.root = root;
        this.engine = engine;
        this.requests = engine.getOutputStream();
        Thread reader = new Thread(this::readAnswers, "warm-worker-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a worker for the function of {@code first}, with the isolation and limits of its executions.
     *
     * @param root a folder of the worker's own, which it removes when it ends
     * @param pool the label that marks the pool's containers (to remove those a crash left behind)
     */
    static WarmWorker start(ContainerExecutor containers, ExecutionRequest first, Path root, String pool)
            throws IOException {
        String name = "wharf-warm-" + hex(6);
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
                first.function().image(), "-c", AGENT));
        // @formatter:on
        Process engine = containers.engineProcess(arguments)
                .redirectError(root.resolve("engine.log").toFile())
                .start();
        LOG.debugf("started warm worker %s for %s", name, first.function().name());
        return new WarmWorker(name, WorkerKey.of(first), containers, root, engine);
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
                requests.write((pipe.getFileName() + " " + secret + "\n").getBytes(StandardCharsets.US_ASCII));
                requests.flush();
            } catch (IOException e) {
                // the engine's input is closed: the worker is gone
                return ended(request, sandbox, start);
            }
            // the next run's pipe, made while this one's script runs
            nextPipe = makePipe();
            return await(request, secret, sandbox, start);
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
            String answer = answers.poll(Math.min(LIMIT_CHECK_MILLIS, Math.max(0, left / 1_000_000)),
                    TimeUnit.MILLISECONDS);
            if (END.equals(answer)) {
                return ended(request, sandbox, start);
            }
            if (answer != null && answer.startsWith(secret + " ")) {
                return new RunResult(Integer.parseInt(answer.substring(secret.length() + 1).strip()), false,
                        elapsed(start));
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

    /** The container ended during a run: before the script started, the engine's failure; after, a lost run. */
    private RunResult ended(ExecutionRequest request, Path sandbox, long start)
            throws IOException, InterruptedException {
        broken = true;
        engine.waitFor(10, TimeUnit.SECONDS);
        boolean exited = !engine.isAlive();
        int exit = exited ? engine.exitValue() : -1;
        if (!exited || exit == 0 || Files.exists(sandbox.resolve(".wharf-started"), LinkOption.NOFOLLOW_LINKS)) {
            kill();
            throw new IOException("the warm worker " + name + " ended (exit " + exit + ") while the script ran");
        }
        request.workspace().appendToLog(Files.readString(root.resolve("engine.log")));
        kill();
        return new RunResult(exit, false, elapsed(start));
    }

    /** Whether the worker can take another run. */
    boolean usable() {
        return !broken && engine.isAlive();
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

    private void readAnswers() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(engine.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                answers.add(line);
            }
        } catch (IOException e) {
            LOG.debugf("warm worker %s: %s", name, e.getMessage());
        }
        answers.add(END);
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
