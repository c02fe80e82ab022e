package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.wharf.contracts.function.ImageReferences;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.supervisor.EngineEnvironment;
import io.wharf.supervisor.ProcessRunner;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.ScriptLauncher;
import io.wharf.supervisor.ScriptUser;
import io.wharf.supervisor.ShortCommand;
import io.wharf.supervisor.Workspace;

/**
 * Runs the script in a container of the function's image with Podman or Docker: named after the execution (so a
 * second start of the same execution is refused by the engine), removed when it ends, as a non-root user without
 * capabilities or new privileges, with the CPU, memory and process limits set, a read-only root file system and a
 * size-limited {@code /tmp} (what it writes into its workspace is watched), on the configured network (none by default), with only the workspace's
 * sandbox mounted at {@value Workspace#CONTAINER_ROOT}.
 * <p>
 * Nothing a user controls reaches the engine but the image, checked as a reference ({@link ImageReferences}) and
 * placed after every option. The script's variables are in the sandbox's {@code environment.sh}, read by a fixed
 * launcher inside the container ({@link ScriptLauncher}): the engine's own environment and command line hold none of
 * them, so a variable such as {@code LD_PRELOAD} affects the script, never the engine.
 */
public final class ContainerExecutor implements ScriptExecutor {

    private static final Logger LOG = Logger.getLogger(ContainerExecutor.class);
    private static final Duration ENGINE_COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final DispatcherConfig.Container config;
    private final Map<String, String> engineEnvironment;
    private final Optional<ScriptUser> scriptUser;

    public ContainerExecutor(DispatcherConfig.Container config) {
        this.config = config;
        this.scriptUser = ScriptUser.whenRoot(config.user());
        this.engineEnvironment = EngineEnvironment.fromHost();
    }

    /** Fails fast, with the engine's own words, when the engine cannot run anything. */
    public void verify(Path scratch) throws IOException, InterruptedException {
        Path log = scratch.resolve("engine-check.log");
        RunResult result = ProcessRunner.run(List.of(config.engine(), "version"), engineEnvironment,
                scratch, ENGINE_COMMAND_TIMEOUT, log, () -> {
                });
        if (!result.succeeded()) {
            throw new IllegalStateException("container engine '" + config.engine() + "' does not work (exit "
                    + result.exitCode() + "): " + Files.readString(log).strip()
                    + "; see docs/security.md before choosing wharf.dispatcher.executor=process");
        }
    }

    @Override
    public boolean available() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            return ProcessRunner.run(List.of(config.engine(), "version"), engineEnvironment, tmp,
                    ENGINE_COMMAND_TIMEOUT, tmp.resolve("wharf-engine-check.log"), () -> {
                    }).succeeded();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public RunResult run(ExecutionRequest request) throws IOException, InterruptedException {
        String image = request.function().image();
        if (!ImageReferences.isValid(image)) {
            throw new IllegalArgumentException("image " + ImageReferences.RULE);
        }
        String name = containerName(request.executionId());
        List<String> command = new ArrayList<>(options(request, name));
        command.add(image);
        command.addAll(ScriptLauncher.shellArguments(Workspace.containerView()));
        Path dir = request.workspace().root();
        return ProcessRunner.run(command, engineEnvironment, dir, request.timeout(), request.workspace().logFile(),
                pid -> {
                }, () -> kill(name, dir), () -> request.limits().apply(request.workspace().sandbox()));
    }

    /** Everything before the image: fixed, or derived from validated names and numbers. */
    List<String> options(ExecutionRequest request, String name) {
        List<String> options = new ArrayList<>(List.of(config.engine(), "run", "--rm", "--name", name));
        options.addAll(isolation(request));
        // @formatter:off
        options.addAll(List.of(
                "--label", "wharf.io/execution=" + request.executionId(),
                "--volume", request.workspace().sandbox() + ":" + Workspace.CONTAINER_ROOT,
                "--workdir", Workspace.CONTAINER_ROOT,
                "--entrypoint", "/bin/sh"));
        // @formatter:on
        return options;
    }

    /**
     * The sandbox every container of a script gets, whether it runs one execution or many ({@link WarmWorker}): the
     * user, the network, the limits, no capabilities, a read-only root and a small {@code /tmp}.
     */
    List<String> isolation(ExecutionRequest request) {
        // @formatter:off
        List<String> options = new ArrayList<>(List.of(
                "--user", config.user(),
                "--network", config.network(),
                "--cpus", cpus(request.cpuMillis()),
                "--memory", request.memoryBytes() + "b",
                "--memory-swap", request.memoryBytes() + "b",
                "--pids-limit", Integer.toString(config.pidsLimit()),
                "--cap-drop", "all",
                "--security-opt", "no-new-privileges",
                "--read-only"));
        if (isPodman()) {
            options.add("--read-only-tmpfs=false");
        }
        options.addAll(List.of(
                "--tmpfs", "/tmp:rw,nosuid,nodev,mode=1777,size=" + config.tmpBytes(),
                "--label", "wharf.io/function=" + request.function().name()));
        // @formatter:on
        return options;
    }

    /** The engine's command, started with the engine's own environment only (for a worker that outlives a run). */
    ProcessBuilder engineProcess(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(config.engine()));
        command.addAll(arguments);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(engineEnvironment);
        return pb;
    }

    /** Runs a short command of the engine (listing, removing containers) and returns its output. */
    String engineCommand(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(config.engine()));
        command.addAll(arguments);
        ShortCommand.Result result = ShortCommand.run(command, engineEnvironment, ENGINE_COMMAND_TIMEOUT);
        if (!result.succeeded()) {
            throw new IOException(config.engine() + " " + arguments.get(0) + " failed (exit " + result.exitCode()
                    + "): " + result.output().strip());
        }
        return result.output();
    }

    /** Removes a container at once, whatever it is doing; one that is not there is no error. */
    void remove(String name) {
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            List<String> remove = isPodman()
                    ? List.of(config.engine(), "rm", "--force", "--time", "0", name)
                    : List.of(config.engine(), "rm", "--force", name);
            ProcessRunner.run(remove, engineEnvironment, tmp, ENGINE_COMMAND_TIMEOUT,
                    tmp.resolve("wharf-engine-cleanup.log"), () -> {
                    });
        } catch (IOException e) {
            LOG.warnf("cannot remove the container %s: %s", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<ScriptUser> scriptUser() {
        return scriptUser;
    }

    @Override
    public Workspace.ScriptPaths paths(Workspace workspace) {
        return Workspace.containerView();
    }

    @Override
    public void cleanUp(String executionId) {
        // at once: a script's /bin/sh is PID 1 and ignores SIGTERM, podman would wait 10 s before its SIGKILL
        remove(containerName(executionId));
    }

    @Override
    public String kind() {
        return "container (" + config.engine() + ")";
    }

    private boolean isPodman() {
        return Path.of(config.engine()).getFileName().toString().startsWith("podman");
    }

    private void kill(String name, Path dir) {
        try {
            ProcessRunner.run(List.of(config.engine(), "kill", name), engineEnvironment, dir, ENGINE_COMMAND_TIMEOUT,
                    dir.resolve("engine-kill.log"), () -> {
                    });
        } catch (IOException e) {
            LOG.warnf("cannot kill container %s: %s", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String containerName(String executionId) {
        return "wharf-" + executionId;
    }

    static String cpus(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }
}
